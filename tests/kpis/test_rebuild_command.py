from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from apps.kpis.models import DailyRollup
from apps.kpis.services.events import events_ingest
from tests.factories.events import event


def test_rebuild_rollups_restores_what_was_lost(alpha):
    with alpha:
        events_ingest(items=[event("order", amount="12.50"), event("order", amount="7.50")])
        DailyRollup.objects.update(gmv=0, orders=0)  # a damaged read model
    call_command("rebuild_rollups", "alpha")
    with alpha:
        assert sum(r.gmv for r in DailyRollup.objects.all()) == Decimal("20.00")
        assert sum(r.orders for r in DailyRollup.objects.all()) == 2
    with pytest.raises(CommandError, match="nope"):
        call_command("rebuild_rollups", "nope")
