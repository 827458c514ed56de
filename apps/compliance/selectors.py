"""Reads on violations and messages: who may see and review which, conversations in context."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from apps.common.querysets import narrowed
from apps.compliance.models import SEVERITY_RANK, Decision, Message, Violation
from apps.kpis.models import Customer
from apps.organisation.access import visibility_of

User = get_user_model()


def violations_visible(principal) -> QuerySet:
    """A rep sees their own, a team lead their teams', ops managers and admins the brand's."""
    visibility = visibility_of(principal)
    violations = Violation.objects.select_related("rule", "rep", "message")
    if visibility.member_ids is not None:
        violations = violations.filter(rep_id__in=visibility.member_ids)
    return violations


SEVERITY_ORDER = Case(
    *(When(severity=severity, then=Value(rank)) for severity, rank in SEVERITY_RANK.items()),
    output_field=IntegerField(),
)


def review_items(violations: QuerySet) -> QuerySet:
    """One review item per message (and status): its most severe hit stands for the message,
    which carries all its hits (`message.violations`) and is decided as a whole."""
    violations = violations.annotate(rank=SEVERITY_ORDER)
    before = violations.filter(message=OuterRef("message"), status=OuterRef("status")).filter(
        Q(rank__gt=OuterRef("rank")) | Q(rank=OuterRef("rank"), pk__lt=OuterRef("pk"))
    )
    hits = Violation.objects.select_related("rule").order_by("start", "pk")
    return violations.filter(~Exists(before)).prefetch_related(Prefetch("message__violations", queryset=hits))


def review_item_of(violation: Violation) -> QuerySet:
    """Every hit on the violation's message that is in the same state: what one decision covers."""
    return Violation.objects.filter(message_id=violation.message_id, status=violation.status)


def hits_of(violation: Violation) -> list[Violation]:
    return list(review_item_of(violation).select_related("rule").order_by("start", "pk"))


def most_severe_per_message(violations) -> list[Violation]:
    """Of hits found together, the most severe on each message: what an alert speaks of."""
    chosen: dict[int, Violation] = {}
    for violation in violations:
        held = chosen.get(violation.message_id)
        if held is None or SEVERITY_RANK[violation.severity] > SEVERITY_RANK[held.severity]:
            chosen[violation.message_id] = violation
    return list(chosen.values())


def violations_list(principal, **filters) -> QuerySet:
    """The violations the principal sees, narrowed by what was asked (violation_filters)."""
    return violation_filters(violations_visible(principal).prefetch_related("decisions__actor"), **filters)


def violation_filters(
    violations: QuerySet,
    *,
    status: str = "",
    category: str = "",
    severity: str = "",
    message: str = "",
    conversation: str = "",
    rep: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet:
    """Narrowed by status, category, severity, the message's or conversation's id, the rep, and
    the days they were found on (inclusive)."""
    return narrowed(
        violations,
        status=status,
        category=category,
        severity=severity,
        message__message_id=message,
        message__conversation_id=conversation,
        rep_id=rep,
        day__gte=since,
        day__lte=until,
    )


def reps_with_violations(violations: QuerySet) -> list:
    """The people these violations are of, by name: the choices of the rep filter."""
    return list(User.objects.filter(pk__in=violations.values("rep_id")).order_by("name_sort", "pk"))


def messages_list(*, conversation: str = "") -> QuerySet:
    messages = Message.objects.select_related("rep").order_by("-sent_at", "-id")
    return narrowed(messages, conversation_id=conversation)


def violation_visible(principal, pk: int) -> Violation:
    violation = violations_visible(principal).filter(pk=pk).first()
    if violation is None:
        raise Http404
    return violation


def open_count(principal) -> int:
    """Messages waiting for review: what the review list shows by default, one row each."""
    return status_counts(violations_visible(principal))[Violation.Status.OPEN]


def status_counts(violations: QuerySet) -> dict[str, int]:
    """Review items (messages) per status."""
    return violations.aggregate(
        **{status: Count("message", distinct=True, filter=Q(status=status)) for status in Violation.Status.values}
    )


def conversation_around(message: Message, before: int = 5, after: int = 5) -> list[Message]:
    """The message with those just before and after it in its conversation."""
    same = Message.objects.filter(conversation_id=message.conversation_id).select_related("rep")
    earlier = list(
        same.filter(Q(sent_at__lt=message.sent_at) | Q(sent_at=message.sent_at, pk__lt=message.pk)).order_by(
            "-sent_at", "-pk"
        )[:before]
    )
    later = list(
        same.filter(Q(sent_at__gt=message.sent_at) | Q(sent_at=message.sent_at, pk__gt=message.pk)).order_by(
            "sent_at", "pk"
        )[:after]
    )
    return [*reversed(earlier), message, *later]


def customer_of(message: Message):
    """The pool's record of the customer in a conversation, when the KPI side knows them."""
    return Customer.objects.filter(ref=message.customer_ref).first()


def violations_of_day(day: date, time_zone: str, *, listed: int) -> tuple[dict[int, dict], list[dict]]:
    """Per rep: violations found on the brand-local day and those confirmed that day; and the
    first `listed` of the day's findings, most severe first (what a daily report shows)."""
    start = datetime.combine(day, time.min, ZoneInfo(time_zone))
    found = Violation.objects.filter(day=day)
    per_person: dict[int, dict] = defaultdict(lambda: {"new": 0, "confirmed": 0})
    for rep_id, n in found.values_list("rep_id").annotate(n=Count("message", distinct=True)):
        per_person[rep_id]["new"] = n
    confirmed = Decision.objects.filter(
        action=Decision.Action.CONFIRM, decided_at__gte=start, decided_at__lt=start + timedelta(days=1)
    )
    per_message = Count("violation__message", distinct=True)
    for rep_id, n in confirmed.values_list("violation__rep_id").annotate(n=per_message):
        per_person[rep_id]["confirmed"] = n
    findings = [
        {
            "id": v.pk,
            "rep": v.rep_id,
            "category": v.category,
            "severity": v.severity,
            "status": v.status,
            "matched": v.matched_text,
        }
        for v in review_items(found).order_by("-rank", "-created_at")[:listed]
    ]
    return dict(per_person), findings
