"""The menu shows each person what their roles use: no link that leads to an always-empty page,
none missing for what they do (a store lead's team logs), and every page has its icon."""

import re

import pytest
from django.contrib.staticfiles import finders

from apps.organisation.roles import Role
from apps.organisation.services import person_create, team_create


def _menu(client) -> set[str]:
    page = client.get("/leaderboards/").content.decode()
    nav = page[page.index("<nav") : page.index("</nav>")]
    return set(re.findall(r'<a href="[^"]+">([^<]+?)(?: <span|</a>)', nav))


@pytest.fixture
def people(alpha):
    with alpha:
        store = team_create(name="一号店", kind="store")
        lead = person_create(email="lead@alpha.test", full_name="店长", roles=[Role.SALES_REP], team=store)
        store.leader = lead
        store.save()
        writer = person_create(email="writer@alpha.test", full_name="文案", roles=[Role.COPYWRITER])
        designer = person_create(email="designer@alpha.test", full_name="设计", roles=[Role.DESIGNER])
    return {"lead": lead, "writer": writer, "designer": designer}


def test_each_role_sees_the_links_it_uses(alpha, people):
    admin = _menu(alpha.client("admin"))
    assert "写日报" not in admin and {"合规", "团队日志", "日报"} <= admin
    rep = _menu(alpha.client("rep"))
    assert {"写日报", "合规"} <= rep and "团队日志" not in rep
    assert {"写日报", "合规", "团队日志"} <= _menu(alpha.client_for(people["lead"].pk))
    for who in ("writer", "designer"):
        menu = _menu(alpha.client_for(people[who].pk))
        assert "合规" not in menu and "写日报" not in menu and "排行榜" in menu, who


def test_every_page_names_an_icon_that_exists(alpha):
    page = alpha.client("rep").get("/leaderboards/").content.decode()
    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', page).group(1)
    assert finders.find(icon)
