"""A manager's decision on a violation: confirm, dismiss (with a reason) or reopen; a rep's one
appeal of a confirmed violation, decided by a manager other than the one who confirmed it.
Every decision is kept, and covers every hit on the message in the same state."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.compliance.models import Decision, Violation
from apps.compliance.selectors import review_item_of
from apps.kpis.extensions import figures_changed
from apps.organisation.access import may_review

Status, Action = Violation.Status, Decision.Action
_NEXT: dict[str, tuple[set[str], str]] = {
    Action.CONFIRM: ({Status.OPEN}, Status.CONFIRMED),
    Action.DISMISS: ({Status.OPEN}, Status.DISMISSED),
    Action.REOPEN: ({Status.CONFIRMED, Status.DISMISSED}, Status.OPEN),
    Action.APPEAL_ACCEPT: ({Status.APPEALED}, Status.DISMISSED),
    Action.APPEAL_REJECT: ({Status.APPEALED}, Status.CONFIRMED),
}
_NEEDS_NOTE: dict[str, Promise] = {  # lazy: read in the language of whoever is refused
    Action.DISMISS: gettext_lazy("驳回时请写明原因，方便以后改进规则。"),
    Action.APPEAL_ACCEPT: gettext_lazy("请写明申诉为什么成立。"),
    Action.APPEAL_REJECT: gettext_lazy("请写明为什么维持违规，导购会看到。"),
}


def actions_allowed(violation: Violation, actor=None) -> list[str]:
    """What a reviewer may do with it now; an appeal is not decided by who confirmed the violation."""
    allowed = [action for action, (allowed_from, _status) in _NEXT.items() if violation.status in allowed_from]
    if violation.status == Status.APPEALED and actor is not None and actor.pk == _confirmed_by(violation):
        return []
    return allowed


def may_appeal(violation: Violation, actor) -> bool:
    """The rep who wrote it, once, while it stands confirmed."""
    return (
        getattr(actor, "pk", None) == violation.rep_id
        and violation.status == Status.CONFIRMED
        and not Decision.objects.filter(violation__message_id=violation.message_id, action=Action.APPEAL).exists()
    )


def _confirmed_by(violation: Violation) -> int | None:
    last = violation.decisions.filter(action=Action.CONFIRM).order_by("-decided_at", "-id").first()
    return last.actor_id if last else None


def _hits(violation: Violation) -> list[Violation]:
    """The review item's hits, locked."""
    return list(review_item_of(violation).select_for_update())


def _decide(violation: Violation, hits: list[Violation], *, actor, action: str, note: str, status: str) -> Violation:
    Violation.objects.filter(pk__in=[hit.pk for hit in hits]).update(status=status)
    Decision.objects.bulk_create(Decision(violation=hit, actor=actor, action=action, note=note) for hit in hits)
    figures_changed(member_ids={violation.rep_id}, days={violation.day})  # confirmed violations are KPIs
    violation.status = status
    return violation


@transaction.atomic
def violation_review(*, violation: Violation, actor, action: str, note: str = "") -> Violation:
    if not may_review(actor, violation.rep_id):
        raise PermissionDenied(_("你不能审核这条违规。"))
    if action not in _NEXT:
        raise ValidationError({"action": _("未知操作。")})
    note = note.strip()
    if action in _NEEDS_NOTE and not note:
        raise ValidationError({"note": str(_NEEDS_NOTE[action])})
    violation = Violation.objects.select_for_update().get(pk=violation.pk)
    allowed_from, status = _NEXT[action]
    if violation.status not in allowed_from:
        raise ValidationError(
            {"action": _("这条违规已经是“%(status)s”，不能再这样处理。") % {"status": violation.get_status_display()}}
        )
    if violation.status == Status.APPEALED and actor.pk == _confirmed_by(violation):
        raise PermissionDenied(_("申诉由确认这条违规之外的另一位管理者处理。"))
    return _decide(violation, _hits(violation), actor=actor, action=action, note=note, status=status)


@transaction.atomic
def violation_appeal(*, violation: Violation, actor, reason: str) -> Violation:
    """The rep appeals a confirmed violation, once, with a reason; it stays counted until decided."""
    if getattr(actor, "pk", None) != violation.rep_id:
        raise PermissionDenied(_("只有写这条消息的导购可以申诉。"))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请写明申诉的理由。")})
    violation = Violation.objects.select_for_update().get(pk=violation.pk)
    if violation.status != Status.CONFIRMED:
        raise ValidationError({"reason": _("只能对已确认的违规申诉。")})
    if not may_appeal(violation, actor):
        raise ValidationError({"reason": _("每条违规只能申诉一次。")})
    return _decide(violation, _hits(violation), actor=actor, action=Action.APPEAL, note=reason, status=Status.APPEALED)
