"""How other apps plug into the KPI engine without the engine knowing them: they add base
metrics, they hear when someone's figures change, and they keep the metrics they use.

An app registers, once at start-up (its AppConfig.ready), a source name, its metrics and a reader:

    reader(codes, scope, period, group) -> {group key: {metric code: value}}

with the same contract as the engine's own readers in selectors/metrics.py (`grouped` there does
the grouping by day, member or team buckets). Registered metrics then work everywhere a metric
does: figures, formulas, targets, scorecards, boards and the API.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django_tenants.utils import schema_context

from apps.common.schemas import current_schema
from apps.kpis.catalogue import Metric

Reader = Callable[..., dict]
_sources: dict[str, tuple[tuple[Metric, ...], Reader]] = {}
_reported: dict[str, tuple[str, ...]] = {}


def metrics_source_register(*, source: str, metrics: list[Metric], reader: Reader, reported=()) -> None:
    """`reported`: those of its metrics the daily report shows beside its own figures (for the
    brands that have them)."""
    if any(metric.source != source for metric in metrics if not metric.is_derived):
        raise ValueError(f"base metrics registered for {source} must name it as their source")
    if set(reported) - {metric.code for metric in metrics}:
        raise ValueError(f"{source} can only report its own metrics")
    _sources[source] = (tuple(metrics), reader)
    _reported[source] = tuple(reported)


def reported_metrics() -> list[str]:
    return [code for codes in _reported.values() for code in codes]


def registered_metrics() -> dict[str, Metric]:
    return {metric.code: metric for metrics, _reader in _sources.values() for metric in metrics}


def registered_readers() -> dict[str, Reader]:
    return {source: reader for source, (_metrics, reader) in _sources.items()}


# --- telling others that figures changed ---------------------------------------------------------

Listener = Callable[..., None]
_listeners: list[Listener] = []


def figures_changed_listen(listener: Listener) -> None:
    """`listener(member_ids=…, days=…)` runs after the commit of every write that changes
    someone's figures (the leaderboards keep their live ranks this way)."""
    if listener not in _listeners:
        _listeners.append(listener)


def figures_changed(*, member_ids, days) -> None:
    """Call inside the writing transaction: listeners hear of it once it commits."""
    member_ids = {pk for pk in member_ids if pk is not None}
    days = set(days)
    if not _listeners or not member_ids or not days:
        return
    schema = current_schema()  # the commit may come after the caller has left the brand's schema

    def tell():
        with schema_context(schema):
            for listener in _listeners:
                listener(member_ids=member_ids, days=days)

    transaction.on_commit(tell)


# --- metrics other apps depend on ----------------------------------------------------------------

_metric_users: list[Callable[[str], bool]] = []


def metric_users_register(uses: Callable[[str], bool]) -> None:
    """`uses(code)` says whether the app still needs a brand's custom metric (a competition on it)."""
    if uses not in _metric_users:
        _metric_users.append(uses)


def metric_used_elsewhere(code: str) -> bool:
    return any(uses(code) for uses in _metric_users)
