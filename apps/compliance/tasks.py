"""Background work for compliance; each task takes ids and calls a service."""

from apps.common.signals import tell
from apps.compliance.models import Violation
from apps.compliance.selectors import most_severe_per_message
from apps.compliance.services import notify, scanning
from apps.compliance.signals import violations_found
from config.celery import app

SCAN_CHUNK = 500


@app.task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def scan_messages(message_ids: list[int]) -> int:
    """Scan freshly stored messages; violations worth it are pushed to the brand's webhook, and
    the apps listening (WeCom app messages) hear of every new one."""
    violations = scanning.messages_scan(message_ids=message_ids)
    settings = scanning.compliance_settings()
    for violation in most_severe_per_message(violations):
        if scanning.worth_notifying(violation, settings):
            notify_violation.delay(violation.pk)
    if violations:
        tell(violations_found, Violation, violations=violations)
    return len(violations)


@app.task(acks_late=True, autoretry_for=(notify.DeliveryFailed,), retry_backoff=5, retry_backoff_max=600, max_retries=8)
def notify_violation(violation_id: int) -> bool:
    if not Violation.objects.filter(pk=violation_id).exists():
        return False
    return notify.violation_notify(violation_id=violation_id)


@app.task(acks_late=True)
def scan_pending() -> int:
    """The sweep: messages a lost task left unscanned get scanned now."""
    pending = scanning.messages_unscanned()
    for start in range(0, len(pending), SCAN_CHUNK):
        scan_messages.delay(pending[start : start + SCAN_CHUNK])
    return len(pending)
