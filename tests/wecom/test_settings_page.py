"""The 企业微信 settings page: connect with the corp's details (secrets sealed, shown by their
last four characters), test with WeCom's errcodes in plain words, disconnect; brand admins only."""

import pytest

from apps.wecom.models import Connection, SyncRun

pytestmark = pytest.mark.django_db


def _form(corp, **overrides):
    return {
        "corp_id": corp.corp_id,
        "agent_id": corp.agent_id,
        "app_secret": corp.app_secret,
        "contact_secret": corp.contact_secret,
        "callback_token": corp.token,
        "callback_aes_key": corp.aes_key,
        "new_member_role": "sales_rep",
        **overrides,
    }


@pytest.fixture
def simulated(wecom, alpha):
    """A brand whose connection is pointed at the simulator (as the demo's is)."""
    with alpha:
        Connection.objects.filter(pk=1).update(simulated=True)
    return wecom


def test_connecting_keeps_secrets_sealed_shows_their_last_four_and_starts_a_sync(simulated, alpha):
    corp = simulated.corp
    client = alpha.client("admin")
    response = client.post("/settings/wecom/", _form(corp, action="connect"), follow=True)
    page = response.content.decode()
    assert "已连接企业微信" in page
    with alpha:
        connection = Connection.objects.get(pk=1)
        assert connection.active
        stored = " ".join(
            [connection.app_secret, connection.contact_secret, connection.callback_token, connection.callback_aes_key]
        )
        assert SyncRun.objects.filter(trigger="connect").exists()
    for secret in (corp.app_secret, corp.contact_secret, corp.token, corp.aes_key):
        assert secret not in stored  # sealed at rest
        assert secret not in page  # never shown back
        assert f"…{secret[-4:]}" in page
    assert "http://alpha.localhost/wecom/callback/" in page


def test_a_secret_left_blank_keeps_the_one_stored(simulated, alpha):
    client = alpha.client("admin")
    client.post("/settings/wecom/", _form(simulated.corp, action="save"))
    client.post("/settings/wecom/", _form(simulated.corp, app_secret="", contact_secret="", action="save"))
    from apps.common.sealed import unseal

    with alpha:
        assert unseal(Connection.objects.get(pk=1).app_secret) == simulated.corp.app_secret


@pytest.mark.parametrize(
    ("break_it", "words"),
    [
        (lambda corp, form: form.update(app_secret="x" * 43), "Secret 不对"),
        (lambda corp, form: setattr(corp, "ip_allowed", False), "企业可信 IP"),
        (lambda corp, form: setattr(corp, "visible", False), "可见范围"),
        (lambda corp, form: form.update(contact_secret=corp.app_secret), "客户联系"),
    ],
    ids=["wrong-secret", "ip-not-allowed", "not-visible", "app-secret-for-contacts"],
)
def test_the_test_button_says_what_is_wrong_in_plain_chinese(simulated, alpha, break_it, words):
    form = _form(simulated.corp, action="test")
    break_it(simulated.corp, form)
    page = alpha.client("admin").post("/settings/wecom/", form, follow=True).content.decode()
    assert words in page
    with alpha:
        assert not Connection.objects.get(pk=1).active


def test_connect_refuses_while_a_check_fails(simulated, alpha):
    simulated.corp.ip_allowed = False
    page = alpha.client("admin").post("/settings/wecom/", _form(simulated.corp, action="connect"), follow=True)
    assert "企业可信 IP" in page.content.decode()
    with alpha:
        assert not Connection.objects.get(pk=1).active
        assert not SyncRun.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("corp_id", "not-a-corp"), ("agent_id", "abc"), ("callback_aes_key", "short"), ("callback_token", "有中文")],
)
def test_bad_details_are_form_errors_and_nothing_is_saved(simulated, alpha, field, value):
    response = alpha.client("admin").post("/settings/wecom/", _form(simulated.corp, action="save", **{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    with alpha:
        assert Connection.objects.get(pk=1).corp_id == ""


def test_disconnecting_stops_callbacks_and_keeps_the_data(simulated, alpha):
    simulated.connect()
    simulated.sync()
    with alpha:
        from apps.accounts.models import User

        people = User.objects.count()
    alpha.client("admin").post("/settings/wecom/disconnect/")
    assert simulated.sim.push({"Event": "change_contact", "ChangeType": "delete_user", "UserID": "lisi"})[0] == 404
    with alpha:
        assert User.objects.count() == people


@pytest.mark.parametrize("who", ["ops", "rep"])
def test_only_brand_admins_manage_the_connection(alpha, who):
    client = alpha.client(who)
    assert client.get("/settings/wecom/").status_code == 403
    assert client.post("/settings/wecom/disconnect/").status_code == 403
    assert client.post("/settings/wecom/sync/").status_code == 403


def test_the_simulator_is_said_plainly(simulated, alpha):
    page = alpha.client("admin").get("/settings/wecom/").content.decode()
    assert "模拟器" in page


def test_the_sync_progress_is_polled_while_it_runs(simulated, alpha):
    simulated.connect()
    with alpha:
        from apps.wecom.services import sync

        run = sync.sync_start(trigger="button")
    fragment = alpha.client("admin").get(f"/settings/wecom/sync/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "<progress" in fragment
    simulated.sync()
    with alpha:
        run.refresh_from_db()
    done = alpha.client("admin").get(f"/settings/wecom/sync/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done
