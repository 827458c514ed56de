from apps.leaderboards.services.live import boards_resync
from apps.tenants.commands import EachBrandCommand


class Command(EachBrandCommand):
    help = "Rebuild the live leaderboards in Redis from PostgreSQL (one brand or all), e.g. after Redis lost them."

    def handle_brand(self, brand) -> str:
        return f"{boards_resync(older_than=0)} boards rebuilt"
