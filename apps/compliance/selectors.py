"""Reads on violations and messages: who may see and review which, conversations in context."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from apps.compliance.models import Message, Violation
from apps.kpis.models import Customer
from apps.kpis.selectors.access import kpi_visibility
from apps.organisation.roles import Capability, can
from apps.organisation.selectors import led_team_ids, member_ids_of_teams

User = get_user_model()


def violations_visible(principal) -> QuerySet:
    """A rep sees their own, a team lead their teams', ops managers and admins the brand's."""
    visibility = kpi_visibility(principal)
    violations = Violation.objects.select_related("rule", "rep", "message")
    if visibility.member_ids is not None:
        violations = violations.filter(rep_id__in=visibility.member_ids)
    return violations


def violation_visible(principal, pk: int) -> Violation:
    violation = violations_visible(principal).filter(pk=pk).first()
    if violation is None:
        raise Http404
    return violation


def can_review(user, violation: Violation) -> bool:
    """Reviewers of the brand, or the lead of the rep's team; never the rep themselves."""
    if not isinstance(user, User) or violation.rep_id == user.pk:
        return False
    if can(user, Capability.COMPLIANCE_REVIEW):
        return True
    return violation.rep_id in member_ids_of_teams(led_team_ids(user))


def open_count(principal) -> int:
    return violations_visible(principal).filter(status=Violation.Status.OPEN).count()


def status_counts(violations: QuerySet) -> dict[str, int]:
    return violations.aggregate(**{status: Count("pk", filter=Q(status=status)) for status in Violation.Status.values})


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
