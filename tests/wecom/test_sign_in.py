"""Signing in with WeCom: the simulator's OAuth (inside the app) and QR login (desktop) pages over
real HTTP, the one-time code turned into the member, strangers and people who left refused, the
state bound to the browser's session; email and password keep working."""

import http.client
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.wecom.models import Member
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

IN_WECOM = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 wxwork/4.1.20 MicroMessenger/7.0.1"
)


def _choose(url: str, who: str) -> str:
    """The person at WeCom's page signs in as `who`: where WeCom sends the browser back."""
    parts = urlsplit(url)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}")
        page = connection.getresponse()
        assert page.status == 200 and who in page.read().decode()  # each member, and the stranger, a button
        connection.request(
            "POST",
            parts.path,
            body=urlencode({**params, "who": who}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 302
        return answer.getheader("Location")
    finally:
        connection.close()


def _back(client: Client, location: str):
    parts = urlsplit(location)
    assert parts.path == "/accounts/wecom/done/"
    return client.get(f"{parts.path}?{parts.query}")


@pytest.fixture
def synced(wecom, alpha):
    wecom.connect()
    assert wecom.sync().status == "done"
    return wecom


def test_a_rep_signs_in_on_a_desktop_by_qr_and_lands_where_they_were_going(synced, alpha):
    client = Client(HTTP_HOST=alpha.host)
    start = client.get("/accounts/wecom/?next=/reports/")
    assert start.status_code == 302 and "/wwlogin/sso/login?" in start["Location"]
    assert start["Location"].startswith(synced.sim.base_url)
    done = _back(client, _choose(start["Location"], "zhangsan"))
    assert (done.status_code, done["Location"]) == (302, "/reports/")
    assert int(client.session["_auth_user_id"]) == alpha.rep_id


def test_inside_wecom_the_login_page_goes_to_oauth_and_the_rep_lands_on_their_home(synced, alpha):
    client = Client(HTTP_HOST=alpha.host, HTTP_USER_AGENT=IN_WECOM)
    login = client.get("/accounts/login/?next=/")
    assert login.status_code == 302 and login["Location"].startswith("/accounts/wecom/")
    start = client.get(login["Location"])
    assert "/connect/oauth2/authorize?" in start["Location"] and start["Location"].endswith("#wechat_redirect")
    assert "scope=snsapi_base" in start["Location"]
    done = _back(client, _choose(start["Location"].split("#")[0], "zhangsan"))
    home = client.get(done["Location"], follow=True)
    assert home.status_code == 200
    assert home.context["user"].pk == alpha.rep_id
    # The password form is still there for whoever asks for it.
    assert Client(HTTP_HOST=alpha.host, HTTP_USER_AGENT=IN_WECOM).get("/accounts/login/?password=1").status_code == 200


def test_the_login_page_offers_wecom_only_when_connected(wecom, alpha):
    assert "用企业微信登录" not in Client(HTTP_HOST=alpha.host).get("/accounts/login/").content.decode()
    assert Client(HTTP_HOST=alpha.host).get("/accounts/wecom/").status_code == 404
    wecom.connect()
    assert "用企业微信登录" in Client(HTTP_HOST=alpha.host).get("/accounts/login/").content.decode()


def test_someone_outside_the_corp_is_refused_with_a_clear_page(synced, alpha):
    client = Client(HTTP_HOST=alpha.host)
    start = client.get("/accounts/wecom/")
    refused = _back(client, _choose(start["Location"], "__stranger__"))
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "不是本品牌的成员" in page and "用邮箱和密码登录" in page
    assert "_auth_user_id" not in client.session


def test_a_member_who_left_is_refused(synced, alpha):
    with alpha:
        person = Member.objects.get(userid="lisi").person
        User.objects.filter(pk=person.pk).update(is_active=False)
    client = Client(HTTP_HOST=alpha.host)
    refused = _back(client, _choose(client.get("/accounts/wecom/")["Location"], "lisi"))
    assert refused.status_code == 403 and "已停用" in refused.content.decode()


def test_a_code_from_another_browser_or_used_twice_signs_nobody_in(synced, alpha):
    mine = Client(HTTP_HOST=alpha.host)
    back = _choose(mine.get("/accounts/wecom/")["Location"], "zhangsan")
    planted = Client(HTTP_HOST=alpha.host)  # a link with someone's code, opened elsewhere
    synced.corp.calls.clear()
    assert _back(planted, back).status_code == 400
    assert "auth/getuserinfo" not in synced.corp.calls  # refused before asking WeCom
    assert _back(mine, back).status_code == 302
    assert _back(mine, back).status_code == 400  # the state went with the first use
    again = Client(HTTP_HOST=alpha.host)
    state = parse_qs(urlsplit(again.get("/accounts/wecom/")["Location"]).query)["state"][0]
    code = parse_qs(urlsplit(back).query)["code"][0]
    reused = again.get(f"/accounts/wecom/done/?{urlencode({'code': code, 'state': state})}")
    assert reused.status_code == 403 and "已失效" in reused.content.decode()  # WeCom's 40029


def test_an_outside_next_is_not_followed(synced, alpha):
    client = Client(HTTP_HOST=alpha.host)
    start = client.get("/accounts/wecom/?next=https://evil.example/")
    done = _back(client, _choose(start["Location"], "zhangsan"))
    assert done["Location"] == "/"


def test_email_and_password_still_sign_in(synced, alpha):
    client = Client(HTTP_HOST=alpha.host)
    answer = client.post("/accounts/login/", {"username": "rep@alpha.test", "password": PASSWORD})
    assert answer.status_code == 302 and int(client.session["_auth_user_id"]) == alpha.rep_id
