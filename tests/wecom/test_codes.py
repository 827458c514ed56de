"""Channel codes: made in WeCom with a state of ours; adds through one are attributed to its
campaign, channel and reps; each code's adds, deletions, net, conversions, GMV and ROI."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.kpis.models import Campaign
from apps.kpis.services.events import events_ingest
from apps.wecom.models import ChannelCode, Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(wecom):
    wecom.connect()
    assert wecom.sync().status == "done"
    return wecom


@pytest.fixture
def campaign(alpha):
    with alpha:
        return Campaign.objects.create(
            code="d11", name="双11", channel="community", starts_on=date(2026, 11, 1), ends_on=date(2026, 12, 31)
        )


def _create(alpha, client, campaign, **overrides):
    with alpha:
        lisi = Member.objects.get(userid="lisi").person_id
    data = {
        "name": "门店海报",
        "campaign": campaign.pk,
        "channel": "live",
        "people": [lisi],
        "cost": "100",
        **overrides,
    }
    return client.post("/wecom/codes/new/", data)


def test_a_planner_makes_a_code_and_adds_through_it_show_on_its_row(synced, alpha, campaign):
    from apps.organisation.services import person_create

    with alpha:
        planner = person_create(email="plan@alpha.test", full_name="策划", roles=["activity_planner"])
    client = alpha.client_for(planner.pk)
    assert _create(alpha, client, campaign).status_code == 302
    with alpha:
        code = ChannelCode.objects.get()
    (way,) = synced.corp.ways.values()
    assert (way["state"], way["user"]) == (code.state, ["lisi"])
    # Two customers scan it; one later deletes the rep; the other buys 300.
    buyer, leaver = synced.contact(1, "买家"), synced.contact(2)
    synced.sim.customer_adds("lisi", buyer, state=code.state, ago=120)
    synced.sim.customer_adds("lisi", leaver, state=code.state, ago=120)
    synced.process()
    synced.sim.customer_deletes("lisi", leaver.external_userid)
    synced.process()
    with alpha:
        events_ingest(
            items=[
                {
                    "external_id": "o1",
                    "kind": "order",
                    "occurred_at": timezone.now().isoformat(),  # after the adds (conversions count orders since)
                    "customer": buyer.external_userid,
                    "amount": "300",
                }
            ]
        )
    response = client.get("/wecom/codes/")
    (row,) = response.context["rows"]
    assert (row.adds, row.deletions, row.net, row.conversions, row.gmv) == (2, 1, 1, 1, Decimal("300.00"))
    assert row.roi == Decimal("2.00")  # (300 − 100) / 100
    assert "门店海报" in response.content.decode()


def test_wecom_s_refusal_is_a_form_error_and_no_code_is_kept(synced, alpha, campaign):
    synced.corp.members["lisi"].status = 4  # left in WeCom, not yet synced
    original = synced.corp.handle

    def refuse(method, path, params, body):
        if path == "externalcontact/add_contact_way":
            from apps.wecom.simulator.corp import ApiError

            raise ApiError(60011, "no privilege")
        return original(method, path, params, body)

    synced.corp.handle = refuse
    response = _create(alpha, alpha.client("ops"), campaign)
    assert response.status_code == 200
    assert "可见范围" in response.content.decode()
    with alpha:
        assert not ChannelCode.objects.exists()


def test_only_wecom_members_can_receive_a_code(synced, alpha, campaign):
    response = _create(alpha, alpha.client("ops"), campaign, people=[alpha.admin_id])
    assert response.status_code == 200 and "people" in response.context["form"].errors


def test_the_qr_image_downloads_as_a_png(synced, alpha, campaign):
    client = alpha.client("ops")
    _create(alpha, client, campaign)
    with alpha:
        code = ChannelCode.objects.get()
    response = client.get(f"/wecom/codes/{code.pk}/qr.png?download=1")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert "attachment" in response["Content-Disposition"]


def test_stopping_a_code_removes_it_in_wecom_and_keeps_its_figures(synced, alpha, campaign):
    client = alpha.client("ops")
    _create(alpha, client, campaign)
    with alpha:
        code = ChannelCode.objects.get()
    synced.sim.customer_adds("lisi", synced.contact(3), state=code.state)
    synced.process()
    client.post(f"/wecom/codes/{code.pk}/remove/")
    assert synced.corp.ways == {}
    assert client.get("/wecom/codes/").context["rows"] == []
    (row,) = client.get("/wecom/codes/?all=1").context["rows"]
    assert row.adds == 1


def test_reps_cannot_make_codes(alpha):
    assert alpha.client("rep").get("/wecom/codes/").status_code == 403
    assert alpha.client("rep").post("/wecom/codes/new/", {}).status_code == 403
