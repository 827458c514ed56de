from apps.kpis.services.rollups import rollups_rebuild
from apps.tenants.commands import EachBrandCommand


class Command(EachBrandCommand):
    help = "Recompute daily rollups, fan balances and customers from the events (one brand or all)."

    def handle_brand(self, brand) -> str:
        rollups_rebuild(time_zone=brand.time_zone)
        return "rebuilt"
