"""Callbacks processed: what each event WeCom sends does to the brand's people, customers,
groups and figures (the record read back from the simulator's API, as from WeCom's)."""

from decimal import Decimal

import pytest

from apps.kpis.models import Customer, Event
from apps.organisation.models import Team
from apps.wecom.models import ChannelCode, CustomerGroup, GroupDay, Handover, Member, RemovalAlert
from apps.wecom.simulator.corp import Member as SimMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(wecom):
    wecom.connect()
    run = wecom.sync()
    assert run.status == "done", run.errors
    return wecom


def _events(wecom, **filters):
    with wecom.brand:
        return list(Event.objects.filter(**filters).select_related("member", "campaign", "customer"))


def test_an_add_counts_a_fan_for_the_rep_with_the_customer_s_name(synced):
    contact = synced.contact(1, "林小姐")
    assert synced.sim.customer_adds("zhangsan", contact, tags=["高意向"]) == (200, "success")
    synced.process()
    (event,) = _events(synced, kind="fan_added")
    assert event.member.email == "rep@alpha.test"
    assert event.customer.ref == contact.external_userid
    with synced.brand:
        customer = Customer.objects.get(ref=contact.external_userid)
    assert customer.name == "林小姐"
    assert customer.tags == ["高意向"]
    assert customer.owner.email == "rep@alpha.test"


def test_an_add_through_a_channel_code_is_attributed_to_its_campaign_and_channel(synced):
    from datetime import date

    from apps.kpis.models import Campaign

    with synced.brand:
        campaign = Campaign.objects.create(
            code="d11", name="双11", channel="community", starts_on=date(2026, 11, 1), ends_on=date(2026, 12, 31)
        )
        code = ChannelCode.objects.create(name="海报", state="sytest01", campaign=campaign, channel="live")
    synced.sim.customer_adds("lisi", synced.contact(2), state=code.state)
    synced.process()
    (event,) = _events(synced, kind="fan_added")
    assert (event.campaign.code, event.channel, event.member.full_name) == ("d11", "live", "李四")


def test_a_half_add_counts_too_and_the_later_full_add_does_not_count_twice(synced):
    contact = synced.contact(3)
    synced.sim.customer_adds("zhangsan", contact, half=True)
    synced.process()
    # WeCom then sends the full add for the same follow: the same follow, the same add time.
    synced.sim._contact_event("add_external_contact", "zhangsan", contact.external_userid)
    synced.process()
    assert len(_events(synced, kind="fan_added")) == 1


def test_the_rep_deleting_a_customer_is_fan_removed_and_their_lead_is_told(synced, alpha):
    from apps.accounts.models import User

    with alpha:
        lead = User.objects.get(pk=alpha.ops_id)
        Team.objects.filter(name="南京西路店").update(leader=lead)
    contact = synced.contact(4, "周先生")
    synced.sim.customer_adds("zhangsan", contact, ago=60)
    synced.process()
    synced.sim.rep_removes("zhangsan", contact.external_userid)
    synced.process()
    assert [e.kind for e in _events(synced, kind__in=["fan_removed", "fan_deleted"])] == ["fan_removed"]
    with alpha:
        alert = RemovalAlert.objects.get()
        assert (alert.rep.email, alert.customer_name) == ("rep@alpha.test", "周先生")
        assert Customer.objects.get(ref=contact.external_userid).left_on is not None
    page = alpha.client("ops").get("/wecom/handover/")
    assert "周先生" in page.content.decode()
    assert "周先生" not in alpha.client("rep").get("/wecom/handover/").content.decode()  # not to the rep


def test_the_customer_deleting_the_rep_is_fan_deleted_without_an_alert(synced):
    contact = synced.contact(5)
    synced.sim.customer_adds("zhangsan", contact, ago=60)
    synced.process()
    synced.sim.customer_deletes("zhangsan", contact.external_userid)
    synced.process()
    assert [e.kind for e in _events(synced, kind__in=["fan_removed", "fan_deleted"])] == ["fan_deleted"]
    with synced.brand:
        assert not RemovalAlert.objects.exists()


def test_a_transfer_deletion_raises_no_alert(synced):
    contact = synced.contact(6)
    synced.sim.customer_adds("zhangsan", contact)
    synced.process()
    synced.sim.rep_removes("zhangsan", contact.external_userid, source="DELETE_BY_TRANSFER")
    synced.process()
    with synced.brand:
        assert not RemovalAlert.objects.exists()


def test_an_edit_refreshes_the_customer_s_profile(synced):
    contact = synced.contact(7, "旧名字")
    synced.sim.customer_adds("zhangsan", contact)
    synced.process()
    contact.name = "新名字"
    synced.sim.contact_edited("zhangsan", contact.external_userid, remark="VIP", tags=["复购"])
    synced.process()
    with synced.brand:
        customer = Customer.objects.get(ref=contact.external_userid)
        assert (customer.name, customer.tags) == ("新名字", ["复购"])
    assert len(_events(synced, kind="fan_added")) == 1  # an edit is not another add


def test_a_failed_transfer_is_listed_for_handover(synced, alpha):
    contact = synced.contact(8, "吴女士")
    synced.sim.customer_adds("zhangsan", contact)
    synced.process()
    synced.sim.transfer_fails("zhangsan", contact.external_userid, "customer_limit_exceed")
    synced.process()
    with alpha:
        handover = Handover.objects.get()
    assert (handover.reason, handover.detail) == ("transfer_failed", "customer_limit_exceed")
    assert "吴女士" in alpha.client("ops").get("/wecom/handover/").content.decode()


def test_group_created_joined_left_and_dismissed(synced):
    a, b = synced.contact(9), synced.contact(10)
    for contact in (a, b):
        synced.sim.customer_adds("zhangsan", contact)
    # Each change processed as it comes, as the worker does (a callback says what changed; the
    # group is read back from WeCom).
    synced.sim.group_created(synced.group("wrgroup1", "zhangsan", [a.external_userid]))
    synced.process()
    synced.sim.group_members("wrgroup1", join=[b.external_userid])
    synced.process()
    synced.sim.group_members("wrgroup1", leave=[a.external_userid])
    synced.process()
    with synced.brand:
        group = CustomerGroup.objects.get(chat_id="wrgroup1")
        assert (group.member_count, group.customer_count, group.owner.email) == (2, 1, "rep@alpha.test")
        day = GroupDay.objects.get(group=group)
        assert (day.members, day.joins, day.leaves) == (2, 2, 1)
    kinds = sorted(e.kind for e in _events(synced, kind__in=["group_join", "group_leave"]))
    assert kinds == ["group_join", "group_join", "group_leave"]
    synced.sim.group_dismissed("wrgroup1")
    synced.process()
    with synced.brand:
        assert CustomerGroup.objects.get(chat_id="wrgroup1").dismissed_at is not None
    assert len(_events(synced, kind="group_leave")) == 2


def test_a_new_member_becomes_a_person_and_one_who_leaves_is_deactivated_with_a_handover(synced, alpha):
    synced.sim.member_joins(SimMember("zhaoliu", "赵六", [4], email="zhaoliu@alpha.test"))
    synced.process()
    with alpha:
        person = Member.objects.get(userid="zhaoliu").person
        assert (person.full_name, person.roles, person.membership.team.name) == ("赵六", ["sales_rep"], "徐家汇店")
    contact = synced.contact(11, "郑先生")
    synced.sim.customer_adds("zhaoliu", contact)
    synced.process()
    synced.sim.member_leaves("zhaoliu")
    synced.process()
    with alpha:
        person.refresh_from_db()
        assert not person.is_active and person.deactivated_at is not None
        assert Member.objects.get(userid="zhaoliu").left_at is not None
        handover = Handover.objects.get()
        assert (handover.reason, handover.external_userid) == ("rep_left", contact.external_userid)
    # Another rep taking the customer over closes the handover.
    synced.sim.customer_adds("wangwu", contact)
    synced.process()
    with alpha:
        assert Handover.objects.get().resolved_at is not None


def test_a_callback_whose_record_cannot_be_read_is_tried_again(synced):
    from apps.wecom.models import CallbackReceipt

    contact = synced.contact(12)
    synced.sim.customer_adds("zhangsan", contact)
    synced.corp.ip_allowed = False
    synced.corp.expire_tokens()  # the next call needs a token, which WeCom now refuses
    synced.process()
    with synced.brand:
        receipt = CallbackReceipt.objects.get(change_type="add_external_contact")
        assert receipt.processed_at is None and receipt.error.startswith("60020")
    synced.corp.ip_allowed = True
    synced.process()
    with synced.brand:
        receipt.refresh_from_db()
        assert receipt.processed_at is not None
    assert len(_events(synced, kind="fan_added")) == 1


def test_the_add_moves_the_rep_s_figures(synced, alpha):
    """Through the KPI read models a board is drawn from: today's fans for the rep."""
    from apps.kpis.models import MemberDayRollup

    synced.sim.customer_adds("zhangsan", synced.contact(13))
    synced.process()
    with alpha:
        total = sum(r.fans_added for r in MemberDayRollup.objects.filter(member_id=alpha.rep_id))
    assert total == 1
    assert Decimal(total) == 1
