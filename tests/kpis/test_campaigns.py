"""A campaign's figures are the same on the campaign list, its detail page and the API, whatever
other campaigns the list holds and wherever its tagged data falls around its dates."""

from datetime import date

import pytest

from apps.kpis.models import Campaign
from apps.kpis.selectors.campaigns import ROW_METRICS, campaign_rows, campaign_tree
from apps.kpis.services.events import events_ingest
from tests.factories.events import event, local


@pytest.fixture
def campaigns(alpha):
    """双11 (Nov 1–11) with a pre-sale, a late order and a customer it won over who had joined in
    October; an older campaign in October and one from the year before, so the campaigns listed
    together span more than a year."""
    with alpha:
        double11 = Campaign.objects.create(
            code="d11",
            name="双11",
            channel="wecom",
            starts_on=date(2026, 11, 1),
            ends_on=date(2026, 11, 11),
            budget="33000",
            target_gmv="5000",
        )
        october = Campaign.objects.create(
            code="oct", name="国庆", channel="wecom", starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 7)
        )
        last_year = Campaign.objects.create(
            code="y25", name="去年双11", channel="wecom", starts_on=date(2025, 11, 1), ends_on=date(2025, 11, 11)
        )
        rep = "rep@alpha.test"
        events_ingest(
            items=[
                event("fan_added", at=local(8, month=10), member=rep, customer="old-fan"),
                event("order", at=local(5), member=rep, customer="old-fan", campaign="d11", amount="300"),
                event("fan_added", at=local(28, month=10), member=rep, customer="early", campaign="d11", cost="12"),
                event("order", at=local(2), member=rep, customer="early", campaign="d11", amount="120"),
                event("fan_added", at=local(3), member=rep, customer="new", campaign="d11", cost="20"),
                event("order", at=local(20), member=rep, customer="new", campaign="d11", amount="80"),
                event("fan_added", at=local(2, month=10), member=rep, customer="oct-fan", campaign="oct"),
                event("order", at=local(3, month=11, year=2025), member=rep, customer="y", campaign="y25", amount="9"),
            ]
        )
    return {"brand": alpha, "d11": double11, "october": october, "last_year": last_year}


def test_the_list_and_the_detail_count_the_same(campaigns):
    with campaigns["brand"]:
        listed = {row.campaign.code: row.values for row in campaign_rows(list(Campaign.objects.all()))}
        for campaign in Campaign.objects.all():
            detail = campaign_tree(campaign).values
            assert {code: listed[campaign.code][code] for code in ROW_METRICS if code in detail} == {
                code: detail[code] for code in ROW_METRICS if code in detail
            }, campaign.code
        assert listed["d11"]["gmv"] == 500
        # New customers are those who joined within its span: the October joiner it won over bought,
        # but was not new (and a customer who joined long before does not stretch the span).
        assert (listed["d11"]["new_customers"], listed["d11"]["paying_customers"]) == (2, 3)
        assert listed["d11"]["fans_added"] == 2
        assert listed["y25"]["gmv"] == 9


def test_pages_show_the_same_figures_and_the_budget_as_money(campaigns):
    client = campaigns["brand"].client("admin")
    listing = client.get("/kpis/campaigns/?period=custom&start=2025-10-01&end=2026-11-30").content.decode()
    detail = client.get(f"/kpis/campaigns/{campaigns['d11'].pk}/").content.decode()
    assert "¥500.00" in listing and "¥500.00" in detail
    assert "¥33,000.00" in detail and "33000.00" not in detail
