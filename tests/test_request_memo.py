"""Brand settings a page reads many times come from the database once per request; a change
made during the request is seen by what the request reads afterwards, and nothing outlives it."""

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.common.request_memo import RequestMemoMiddleware
from apps.kpis.selectors.metrics import metrics_registry
from apps.kpis.selectors.targets import kpi_settings
from apps.kpis.services.metrics import kpi_settings_update


def _in_a_request(view):
    """Run `view()` as RequestMemoMiddleware would serve it; returns what it returned."""
    return RequestMemoMiddleware(lambda request: view())(RequestFactory().get("/"))


def _settings_queries(queries) -> int:
    return sum('"kpis_kpisettings"' in q["sql"] for q in queries)


def test_a_setting_is_read_once_per_request_and_again_in_the_next(alpha):
    with schema_context(alpha.brand.schema_name), CaptureQueriesContext(connection) as queries:
        first = _in_a_request(lambda: [kpi_settings(), kpi_settings(), metrics_registry(), metrics_registry()])
        _in_a_request(kpi_settings)
    assert first[0] is first[1] and first[2] is first[3]
    assert _settings_queries(queries.captured_queries) == 2


def test_outside_a_request_every_call_reads_the_database(alpha):
    with schema_context(alpha.brand.schema_name), CaptureQueriesContext(connection) as queries:
        kpi_settings()
        kpi_settings()
    assert _settings_queries(queries.captured_queries) == 2


def test_a_change_saved_during_the_request_is_what_it_reads_next(alpha):
    def change_then_read():
        before = kpi_settings().achieved_pct
        settings = kpi_settings()
        kpi_settings_update(
            achieved_pct=before + 1,
            exceeded_pct=settings.exceeded_pct + 1,
            stage=settings.stage,
            score_cap_pct=settings.score_cap_pct,
        )
        return before, kpi_settings().achieved_pct

    with schema_context(alpha.brand.schema_name):
        before, after = _in_a_request(change_then_read)
    assert after == before + 1


def test_each_brand_reads_its_own_settings_within_one_request(alpha, beta):
    with schema_context(beta.brand.schema_name):
        settings = kpi_settings()
        kpi_settings_update(
            achieved_pct=settings.achieved_pct + 5,
            exceeded_pct=settings.exceeded_pct + 5,
            stage=settings.stage,
            score_cap_pct=settings.score_cap_pct,
        )

    def both():
        with schema_context(alpha.brand.schema_name):
            mine = kpi_settings().achieved_pct
        with schema_context(beta.brand.schema_name):
            theirs = kpi_settings().achieved_pct
        return mine, theirs

    mine, theirs = _in_a_request(both)
    assert theirs == mine + 5
