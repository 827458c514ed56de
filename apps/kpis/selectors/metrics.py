"""The metric engine: any metric, for any scope (brand, team, person; channel; campaign), any
period, optionally broken down by day, member, channel or campaign.

Base metrics are read from the read models (rollups, fan balances, customer tables), never from
events, one query per source; derived metrics are evaluated with formula.py on top. A zero
denominator yields None, which screens show as "—".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Min, Q, QuerySet, Sum, Value, When

from apps.common.periods import Period
from apps.common.request_memo import per_request
from apps.kpis import formula
from apps.kpis.catalogue import BUILT_IN, ROLLUP_COLUMNS, Metric, Source
from apps.kpis.extensions import registered_metrics, registered_readers
from apps.kpis.models import Campaign, Customer, CustomerDay, CustomMetric, DailyRollup, FanBalance, MemberDayRollup
from apps.organisation.selectors import member_ids_of_teams

User = get_user_model()
ZERO = Decimal(0)
EVERY_ROW = object()  # a reader's row that applies to every group (headcount per day, say)
GROUPS = ("day", "member", "channel", "campaign")
# Customer stocks (pool size, tag coverage) are counted as of the period's end, not per day.
_CUSTOMER_STOCKS = ("customers_total", "customers_tagged")


@dataclass(frozen=True)
class Scope:
    """Whose figures: None means no restriction on that dimension."""

    member_ids: frozenset[int] | None = None
    channel: str | None = None
    campaign_id: int | None = None

    @classmethod
    def brand(cls) -> Scope:
        return cls()

    @classmethod
    def member(cls, member_id: int) -> Scope:
        return cls(member_ids=frozenset([member_id]))

    @classmethod
    def team(cls, team_id: int) -> Scope:
        return cls(member_ids=frozenset(member_ids_of_teams([team_id])))

    def narrowed(self, **changes) -> Scope:
        return replace(self, **changes)

    def filter(self, queryset: QuerySet, member="member", channel="channel", campaign="campaign") -> QuerySet:
        if self.member_ids is not None:
            queryset = queryset.filter(**{f"{member}_id__in": self.member_ids})
        if self.channel is not None:
            queryset = queryset.filter(**{channel: self.channel})
        if self.campaign_id is not None:
            queryset = queryset.filter(**{f"{campaign}_id": self.campaign_id})
        return queryset


@per_request
def metrics_registry() -> dict[str, Metric]:
    """Built-in metrics and the brand's own."""
    custom = {
        m.code: Metric(m.code, m.name, m.unit, m.lower_is_better, m.formula, Source.FORMULA, flow=False, custom=True)
        for m in CustomMetric.objects.all()
    }
    return {**BUILT_IN, **registered_metrics(), **custom}


def first_data_day() -> date | None:
    """The first brand-local day any event counts on (history a brand brought with it)."""
    return DailyRollup.objects.aggregate(first=Min("day"))["first"]


def metric_choices() -> list[tuple[str, str]]:
    """For a form's metric field: every metric, named and coded."""
    return [(m.code, f"{m.name} · {m.code}") for m in metrics_registry().values()]


def _base_codes(codes: Iterable[str], registry: dict[str, Metric]) -> set[str]:
    """Every base metric the given metrics need, following formulas through derived ones."""
    needed, stack, seen = set(), list(codes), set()
    while stack:
        code = stack.pop()
        if code in seen or code not in registry:
            continue
        seen.add(code)
        metric = registry[code]
        if metric.formula is not None:  # derived
            stack.extend(formula.names(metric.formula))
        else:
            needed.add(code)
    return needed


Values = dict[str, Decimal | None]


def metric_values(codes: Iterable[str], scope: Scope, period: Period, registry=None) -> Values:
    return metric_table(codes, scope, period, group=None, registry=registry).get(None, {})


def metric_table(
    codes: Iterable[str],
    scope: Scope,
    period: Period,
    *,
    group: str | Buckets | None = None,
    keys: Iterable | None = None,
    registry: dict[str, Metric] | None = None,
) -> dict[object, Values]:
    """{group key: {metric code: value}}; `keys` lists rows that must appear even without data.

    `group`: None (one row), "day", "member", "channel", "campaign" or Buckets (e.g. teams).
    """
    assert group is None or group in GROUPS or isinstance(group, Buckets), group
    registry = registry if registry is not None else metrics_registry()
    codes = [code for code in codes if code in registry]
    base = _base_codes(codes, registry)
    rows: dict[object, dict[str, Decimal | None]] = defaultdict(dict)
    for key in [None] if group is None else (keys if keys is not None else []):
        rows[key] = {}
    if group == "day" and keys is None:
        for day in period.each_day():
            rows[day] = {}
    readers = {
        Source.ROLLUP: _rollup_sums,
        Source.BALANCE: _fan_totals,
        Source.CUSTOMERS: _customer_counts,
        Source.ORGANISATION: _organisation_counts,
        **registered_readers(),
    }
    for source, reader in readers.items():
        wanted = {code for code in base if registry[code].source == source}
        if wanted:
            for key, values in reader(wanted, scope, period, group).items():
                rows[key].update(values)
    common = rows.pop(EVERY_ROW, {})
    result: dict[object, Values] = {}
    for key, values in rows.items():
        known: dict[str, Decimal | None] = {code: values.get(code, common.get(code, ZERO)) for code in base}
        for code in (group == "day" and _CUSTOMER_STOCKS) or ():
            if code in known:
                known[code] = values.get(code)
        result[key] = {code: _evaluate(code, known, registry) for code in codes}
    return result


def _evaluate(code: str, known: dict, registry: dict[str, Metric], depth: int = 0) -> Decimal | None:
    if code in known:
        return known[code]
    metric = registry.get(code)
    if metric is None or metric.formula is None or depth > 20:  # unknown, base, or (refused) circular
        return None
    tree = formula.parse(metric.formula)
    inputs = {name: _evaluate(name, known, registry, depth + 1) for name in formula.names(metric.formula)}
    known[code] = formula.evaluate(tree, inputs)
    return known[code]


# --- base readers: each returns {group key: {code: value}} --------------------------------------


@dataclass(frozen=True)
class Buckets:
    """Group people into buckets (teams, say): {bucket key: member ids}. A grouping like "member"
    whose rows are the buckets; distinct counts (paying customers) stay distinct per bucket."""

    members: tuple[tuple[int, frozenset[int]], ...]

    @classmethod
    def of(cls, mapping: Mapping[int, Iterable[int]]) -> Buckets:
        return cls(tuple((key, frozenset(ids)) for key, ids in mapping.items()))

    def key_of(self, member_id) -> int | None:
        return next((key for key, ids in self.members if member_id in ids), None)


def _key_expression(group, member_field: str = "member_id", fields: dict | None = None):
    """What rows are grouped on: None (one row), a column, or a member → bucket CASE."""
    if group is None:
        return None
    if isinstance(group, Buckets):
        whens = [When(**{f"{member_field}__in": ids}, then=Value(key)) for key, ids in group.members if ids]
        return Case(*whens, default=Value(None), output_field=IntegerField())
    field = {**_GROUP_FIELD, "member": member_field, **(fields or {})}[group]
    return F(field)


_GROUP_FIELD = {"day": "day", "channel": "channel", "campaign": "campaign_id"}
_CUSTOMER_FIELDS = {"day": "joined_on"}  # a customer "happens" on the day they joined


def _grouped(queryset: QuerySet, group, member_field="member_id", fields=None, **aggregates) -> dict:
    key = _key_expression(group, member_field, fields)
    if key is None:
        return {None: queryset.aggregate(**aggregates)}
    return {row.pop("_key"): row for row in queryset.annotate(_key=key).values("_key").annotate(**aggregates)}


def grouped(queryset: QuerySet, group, *, member_field: str, day_field: str, **aggregates) -> dict:
    """For registered readers: aggregate a queryset per row of a grouping (None, day, member,
    team buckets) given which of its fields hold the person and the day."""
    return _numbers(_grouped(queryset, group, member_field, {"day": day_field}, **aggregates))


def _numbers(rows: dict) -> dict:
    return {key: {code: Decimal(value or 0) for code, value in values.items()} for key, values in rows.items()}


def _rollups(scope: Scope, group):
    """The coarse per-person-day rollups unless the scope or grouping needs channels or campaigns."""
    if scope.channel is None and scope.campaign_id is None and group not in ("channel", "campaign"):
        return scope.filter(MemberDayRollup.objects.all())
    return scope.filter(DailyRollup.objects.all())


def _rollup_sums(codes, scope: Scope, period: Period, group) -> dict:
    rollups = _rollups(scope, group).filter(day__range=(period.start, period.end))
    return _numbers(_grouped(rollups, group, **{code: Sum(code) for code in codes if code in ROLLUP_COLUMNS}))


def _fan_totals(codes, scope: Scope, period: Period, group) -> dict:
    """Pool size at the end of the period (at the end of each day when grouped by day)."""
    net = Sum(F("fans_added") - F("fans_deleted") - F("fans_removed"))
    balance_group = None if group == "day" else group
    now = _numbers(_grouped(scope.filter(FanBalance.objects.all()), balance_group, fans_total=Sum("net")))
    since = _rollups(scope, group).filter(day__gt=period.end)
    later = _numbers(_grouped(since, balance_group, fans_total=net))
    at_end = {
        key: {"fans_total": v["fans_total"] - later.get(key, {}).get("fans_total", ZERO)} for key, v in now.items()
    }
    if group != "day":
        return at_end
    total = at_end.get(None, {}).get("fans_total", ZERO)
    daily = _numbers(
        _grouped(_rollups(scope, group).filter(day__range=(period.start, period.end)), "day", fans_total=net)
    )
    result = {}
    for day in sorted(period.each_day(), reverse=True):
        result[day] = {"fans_total": total}
        total -= daily.get(day, {}).get("fans_total", ZERO)
    return result


def _customer_counts(codes, scope: Scope, period: Period, group) -> dict:
    rows: dict = defaultdict(dict)
    customers = scope.filter(Customer.objects.all(), member="owner")
    cohort = customers.filter(joined_on__range=(period.start, period.end))
    cohort_aggregates = {
        "new_customers": Count("pk"),
        "retained_customers": Count("pk", filter=Q(left_on__isnull=True) | Q(left_on__gt=period.end)),
        "cohort_gmv": Sum("gmv_total"),
    }
    wanted = {code: agg for code, agg in cohort_aggregates.items() if code in codes}
    if wanted:
        for key, values in _grouped(cohort, group, "owner_id", _CUSTOMER_FIELDS, **wanted).items():
            rows[key].update(values)
    stocks = {"customers_total": Count("pk"), "customers_tagged": Count("pk", filter=~Q(tags=[]))}
    wanted = {code: agg for code, agg in stocks.items() if code in codes}
    if wanted and group != "day":
        in_pool = customers.filter(joined_on__lte=period.end).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=period.end)
        )
        for key, values in _grouped(in_pool, group, "owner_id", _CUSTOMER_FIELDS, **wanted).items():
            rows[key].update(values)
    if codes & {"paying_customers", "repeat_customers"}:
        for key, values in _buyers(scope, period, group).items():
            rows[key].update(values)
    return _numbers(rows)


def _buyers(scope: Scope, period: Period, group) -> dict:
    """Distinct paying customers and those with two or more orders in the period."""
    days = scope.filter(CustomerDay.objects.filter(day__range=(period.start, period.end)))
    key = _key_expression(group)
    per_customer = days.annotate(_key=key if key is not None else Value(None, output_field=IntegerField()))
    per_customer = per_customer.values("_key", "customer_id").annotate(n=Sum("orders"))
    inner, params = per_customer.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT x._key, count(*), count(*) FILTER (WHERE x.n >= 2) FROM ({inner}) x GROUP BY 1",  # noqa: S608
            params,
        )
        return {row[0]: {"paying_customers": row[1], "repeat_customers": row[2]} for row in cursor.fetchall()}


def _per_member(group, pairs) -> dict:
    """Count (member id, n) pairs per row of a member or bucket grouping."""
    counts: dict = defaultdict(int)
    for member_id, n in pairs:
        counts[group.key_of(member_id) if isinstance(group, Buckets) else member_id] += n
    return counts


def _organisation_counts(codes, scope: Scope, period: Period, group) -> dict:
    rows: dict = defaultdict(dict)
    per_member = group == "member" or isinstance(group, Buckets)
    if "headcount" in codes:
        people = User.objects.filter(is_active=True)
        if scope.member_ids is not None:
            people = people.filter(pk__in=scope.member_ids)
        if per_member:
            for key, n in _per_member(group, ((pk, 1) for pk in people.values_list("pk", flat=True))).items():
                rows[key]["headcount"] = n
        else:
            rows[None]["headcount"] = people.count()
    if "active_members" in codes:
        rollups = _rollups(scope, group).filter(day__range=(period.start, period.end), member__isnull=False)
        for key, values in _grouped(rollups, group, active_members=Count("member", distinct=True)).items():
            rows[key].update(values)
    if "campaigns" in codes:
        campaigns = Campaign.objects.filter(starts_on__lte=period.end, ends_on__gte=period.start)
        if scope.member_ids is not None:
            campaigns = campaigns.filter(owner_id__in=scope.member_ids)
        if per_member:
            for key, n in _per_member(group, campaigns.values_list("owner_id").annotate(n=Count("pk"))).items():
                rows[key]["campaigns"] = n
        else:
            rows[None]["campaigns"] = campaigns.count()
    result = _numbers(rows)
    if group in ("day", "channel", "campaign") and None in result:
        # Headcount and campaigns do not split by day or channel: every row carries the total.
        result[EVERY_ROW] = result.pop(None)
    return result
