"""One figure, the same everywhere it is shown. For each subject (brand, region, store, rep),
period (the report's day, its month so far, today) and metric, the value read through every place
that shows it — the KPI API, the KPI page, the role home, the daily report's JSON, XLSX and PDF,
the leaderboard, the campaign list and detail — is equal after the one rounding rule
(apps.common.formatting.shown_value): a manager who catches one disagreement trusts none."""

import io
import re
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from openpyxl import load_workbook

from apps.common.formatting import achievement_text, format_value, shown_value
from apps.kpis.models import Campaign, Target
from apps.kpis.selectors.metrics import metrics_registry
from apps.organisation.models import Team
from apps.organisation.services import team_create
from apps.reports.services import reports
from tests.factories.pdf import pdf_texts

# Amounts chosen so averages and ratios fall on half cents and repeating decimals.
SALES = {
    "r1": ["10.01", "10.00"],  # an average of ¥10.005: half up reads ¥10.01, truncating ¥10.00
    "r2": ["0.01", "0.02", "0.05"],
    "r3": ["100.10"],
    "r4": ["7.77", "7.77", "7.77"],
    "r5": ["12.35", "12.36"],
}
FIGURE_METRICS = ["gmv", "orders", "aov", "fans_added"]  # those the daily report carries too
PAGE_ONLY = ["roi", "order_conversion"]


@pytest.fixture
def shop(arena):
    region = team_create(name="东大区", kind=Team.Kind.REGION)
    Team.objects.filter(pk__in=[t.pk for t in arena.teams.values()]).update(parent=region)
    yesterday = arena.today - timedelta(days=1)
    campaign = Campaign.objects.create(
        code="half", name="半价周", channel="wecom", starts_on=yesterday, ends_on=arena.today, budget="1000"
    )
    events = []
    for day in (yesterday, arena.today):
        for rep, amounts in SALES.items():
            for n, amount in enumerate(amounts):
                order = arena.order(rep, amount, day)
                if n == 0:
                    order["campaign"] = campaign.code
                events.append(order)
            events.append(
                {
                    "external_id": f"fans-{rep}-{day}",
                    "kind": "fan_added",
                    "occurred_at": arena.at(day).isoformat(),
                    "member": arena.reps[rep].email,
                    "quantity": len(amounts) + 2,
                    "campaign": campaign.code,
                    "amount": "3.33",  # the cost of the adds: ROI has something to divide by
                }
            )
    arena.ingest(*events)
    # A target for r1 this month (Agreement.achievement sets its value).
    Target.objects.create(
        person=arena.reps["r1"],
        metric="gmv",
        period_kind="month",
        period_start=arena.today.replace(day=1),
        value=Decimal("3333.37"),
    )
    reports.report_generate(day=yesterday)
    return {"region": region, "yesterday": yesterday, "campaign": campaign}


def _subjects(arena, shop):
    return [
        ("brand", {}, None),
        ("region", {"team": shop["region"].pk}, f"/kpis/teams/{shop['region'].pk}/"),
        ("store", {"team": arena.teams["north"].pk}, f"/kpis/teams/{arena.teams['north'].pk}/"),
        ("rep", {"member": arena.reps["r1"].pk}, f"/kpis/people/{arena.reps['r1'].pk}/"),
    ]


def _cards(html: str) -> dict[str, str]:
    """Metric name → the value its KPI card shows."""
    cards = re.findall(
        r'<article class="kpi-card[^"]*">\s*<header>([^<]+?)(?:\s*<span[^>]*>[^<]*</span>)?</header>\s*'
        r'<div class="kpi-value">([^<]*)</div>',
        html,
    )
    return {unescape(name).strip(): unescape(value).strip() for name, value in cards}


def _api_values(client, codes, params) -> dict[str, Decimal | None]:
    answer = client.get("/api/v1/kpis/", {"metrics": ",".join(codes), **params})
    assert answer.status_code == 200, answer.content
    return {f["metric"]: None if f["actual"] is None else Decimal(f["actual"]) for f in answer.json()["figures"]}


class Agreement:
    """Reads each place and notes where it disagrees with the API (the exact value, rounded once)."""

    def __init__(self, arena, shop):
        self.arena, self.shop = arena, shop
        self.registry = metrics_registry()
        self.ops = arena.brand.client("ops")
        day = shop["yesterday"]
        self.periods = {
            "day": {"period": "day", "date": day.isoformat()},
            "month": {"period": "custom", "start": day.replace(day=1).isoformat(), "end": day.isoformat()},
            "today": {"period": "day", "date": arena.today.isoformat()},
        }
        self.api: dict = {}
        self.disagreements: list[str] = []
        self.compared: Counter = Counter()

    def agree(self, place, metric, shown, expected):
        self.compared[place.split(":")[0]] += 1
        if shown != expected:
            self.disagreements.append(f"{place} {metric}: shows {shown!r}, the API {expected!r}")

    def text(self, code, value) -> str:
        return format_value(value, self.registry[code].unit, "CNY")

    def shown(self, code, value):
        return shown_value(value, self.registry[code].unit)

    def kpi_pages(self):
        codes = FIGURE_METRICS + PAGE_ONLY
        for subject, focus, page in _subjects(self.arena, self.shop):
            for period_name, params in self.periods.items():
                values = _api_values(self.ops, codes, {**params, **focus})
                self.api[subject, period_name] = values
                html = self.ops.get(page or "/kpis/", {**params, "metrics": ",".join(codes)}).content.decode()
                cards = _cards(html)
                for code in codes:
                    name = str(self.registry[code].name)
                    self.agree(
                        f"KPI page:{subject}/{period_name}", code, cards.get(name), self.text(code, values[code])
                    )

    def achievement(self):
        """The API's percentage and the card's, for the rep with a target this month, set so the
        month so far reaches 99.95…% of it: truncated it reads 99.9%, rounded 100.0%."""
        rep, month = self.arena.reps["r1"].pk, {"period": "month", "date": self.arena.today.isoformat()}

        def figure():
            return self.ops.get("/api/v1/kpis/", {"metrics": "gmv", "member": rep, **month}).json()["figures"][0]

        first = figure()  # the share of the month's target due by today: pace / target
        share = Decimal(first["pace_target"]) / Decimal(first["target"])
        wanted_pace = Decimal(first["actual"]) / Decimal("0.9996")
        Target.objects.filter(person_id=rep).update(value=(wanted_pace / share).quantize(Decimal("0.01")))
        figure = figure()
        assert figure["achievement_pct"] == "99.9"  # 99.95…%, not rounded up to a target met
        card = self.ops.get(f"/kpis/people/{rep}/", {**month, "metrics": "gmv"}).content.decode()
        shown = re.search(r'<div class="kpi-target">.*? · ([\d.,]+%)', card, re.S)
        expected = achievement_text(Decimal(figure["achievement_pct"]))
        self.agree("achievement", "gmv", shown and shown.group(1), expected)

    def homes(self):
        """The ops manager's brand figures and the rep's own, for the day."""
        for who, subject in (("ops", "brand"), ("rep", "rep")):
            client = self.arena.brand.client_for(self.arena.reps["r1"].pk) if who == "rep" else self.ops
            cards = _cards(client.get(f"/home/{who}/", self.periods["day"]).content.decode())
            for code, value in self.api[subject, "day"].items():
                if str(self.registry[code].name) in cards:
                    self.agree(f"home {who}", code, cards[str(self.registry[code].name)], self.text(code, value))

    def report(self):
        """The daily report's JSON, its XLSX cells and the PDF's text, for the day and the month so far."""
        day = self.shop["yesterday"]
        data = reports.DailyReport.objects.get(day=day).data
        sections = {"全品牌": data["brand"], **{part["name"]: part for part in [*data["teams"], *data["reps"]]}}
        book = load_workbook(io.BytesIO(self.ops.get(f"/reports/{day.isoformat()}/report.xlsx").content))
        rows = {
            (row[0], row[1]): row
            for sheet in ("全品牌", "团队", "导购")
            for row in book[sheet].iter_rows(min_row=2, values_only=True)
        }
        pdf = " ".join(pdf_texts(self.ops.get(f"/reports/{day.isoformat()}/report.pdf").content))
        for subject, label in (("brand", "全品牌"), ("region", "东大区"), ("store", "北店"), ("rep", "导购1")):
            for code in FIGURE_METRICS:
                row = rows[label, str(self.registry[code].name)]
                for field, column, period_name in (("day", 2, "day"), ("mtd", 7, "month")):
                    expected = self.api[subject, period_name][code]
                    stored = Decimal(sections[label]["figures"][code][field])
                    self.agree(f"report JSON:{subject}", code, self.shown(code, stored), self.shown(code, expected))
                    self.agree(f"report XLSX:{subject}", code, Decimal(str(row[column])), self.shown(code, expected))
                    self.agree(f"report PDF:{subject}", code, self.text(code, expected) in pdf, True)

    def leaderboard(self):
        """Today's GMV of every rep on the standing board."""
        board = {row["name"]: row["value"] for row in self.ops.get("/api/v1/leaderboards/gmv/day/").json()["rows"]}
        for rep in SALES:
            focus = {**self.periods["today"], "member": self.arena.reps[rep].pk}
            expected = _api_values(self.ops, ["gmv"], focus)["gmv"]
            self.agree(
                "leaderboard", rep, self.shown("gmv", Decimal(board[f"导购{rep[1:]}"])), self.shown("gmv", expected)
            )

    def campaigns(self):
        """The campaign list and its detail page, against the API narrowed to the campaign."""
        campaign = self.shop["campaign"]
        span = {"period": "custom", "start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()}
        tagged = _api_values(self.ops, ["gmv", "fans_added"], {**span, "campaign": campaign.pk})
        listing = self.ops.get("/kpis/campaigns/", span).content.decode()
        row = listing[listing.index(f"/kpis/campaigns/{campaign.pk}/") :].split("</tr>")[0]
        detail = self.ops.get(f"/kpis/campaigns/{campaign.pk}/").content.decode()
        for code, value in tagged.items():
            self.agree("campaign list", code, self.text(code, value) in row, True)
            self.agree("campaign detail", code, self.text(code, value) in detail, True)


def test_every_place_shows_the_same_figure(arena, shop):
    check = Agreement(arena, shop)
    for read in (check.kpi_pages, check.achievement, check.homes, check.report, check.leaderboard, check.campaigns):
        read()
    assert check.disagreements == []
    places = ["KPI page", "achievement", "home ops", "home rep", "report JSON", "report XLSX", "report PDF"]
    assert set(check.compared) >= {*places, "leaderboard", "campaign list", "campaign detail"}, check.compared
