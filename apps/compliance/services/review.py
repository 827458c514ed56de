"""A manager's decision on a violation: confirm, dismiss (with a reason) or reopen, always kept."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.compliance.models import Decision, Violation
from apps.kpis.extensions import figures_changed
from apps.organisation.access import may_review

_NEXT: dict[str, tuple[set[str], str]] = {
    Decision.Action.CONFIRM: ({Violation.Status.OPEN}, Violation.Status.CONFIRMED),
    Decision.Action.DISMISS: ({Violation.Status.OPEN}, Violation.Status.DISMISSED),
    Decision.Action.REOPEN: ({Violation.Status.CONFIRMED, Violation.Status.DISMISSED}, Violation.Status.OPEN),
}


def actions_allowed(violation: Violation) -> list[str]:
    return [action for action, (allowed_from, _status) in _NEXT.items() if violation.status in allowed_from]


@transaction.atomic
def violation_review(*, violation: Violation, actor, action: str, note: str = "") -> Violation:
    if not may_review(actor, violation.rep_id):
        raise PermissionDenied(_("你不能审核这条违规。"))
    if action not in _NEXT:
        raise ValidationError({"action": _("未知操作。")})
    note = note.strip()
    if action == Decision.Action.DISMISS and not note:
        raise ValidationError({"note": _("驳回时请写明原因，方便以后改进规则。")})
    violation = Violation.objects.select_for_update().get(pk=violation.pk)
    allowed_from, status = _NEXT[action]
    if violation.status not in allowed_from:
        raise ValidationError(
            {"action": _("这条违规已经是“%(status)s”，不能再这样处理。") % {"status": violation.get_status_display()}}
        )
    # One message is one review item: the decision covers every hit on it in the same state.
    hits = list(Violation.objects.select_for_update().filter(message_id=violation.message_id, status=violation.status))
    Violation.objects.filter(pk__in=[hit.pk for hit in hits]).update(status=status)
    Decision.objects.bulk_create(Decision(violation=hit, actor=actor, action=action, note=note) for hit in hits)
    figures_changed(member_ids={violation.rep_id}, days={violation.day})  # confirmed violations are KPIs
    violation.status = status
    return violation
