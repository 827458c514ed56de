"""Background work for the WeCom connection; each task calls one service."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone

from apps.wecom.models import CallbackReceipt, Connection
from apps.wecom.services import app_messages, inbox, sync
from config.celery import app

log = logging.getLogger(__name__)

PENDING_AFTER = timedelta(seconds=20)  # a callback still waiting this long missed its pass


@app.task(acks_late=True)
def process_callbacks() -> int:
    return inbox.callbacks_process()["callbacks"]


@app.task(bind=True, acks_late=True, max_retries=5, default_retry_delay=30)
def sync_run(self, run_id: int) -> None:
    """Resumable: every page commits with the run's cursor, so a retry goes on from there."""
    try:
        sync.sync_continue(run_id)
    except sync.SyncInterrupted as error:
        if self.request.retries >= self.max_retries:
            sync.sync_fail(run_id)
            return
        raise self.retry(exc=error) from error


@app.task(
    acks_late=True,
    autoretry_for=(app_messages.SendLater,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=app_messages.MAX_ATTEMPTS,
)
def send_app_message(message_id: int) -> str:
    return app_messages.message_send(message_id=message_id)


@app.task(acks_late=True)
def sweep() -> None:
    """Every minute per brand: callbacks that missed their pass, runs whose worker was lost, the
    nightly sync once the brand's night has come, app messages whose task was lost, and the log
    reminders once the brand's cutoff is near."""
    connection = Connection.objects.get(pk=1)
    if not connection.active:
        return
    waiting = CallbackReceipt.objects.filter(
        processed_at__isnull=True, attempts__lt=inbox.MAX_ATTEMPTS, received_at__lt=timezone.now() - PENDING_AFTER
    )
    if waiting.exists():
        inbox.callbacks_process()
    for run_id in sync.runs_lost():
        log.warning("wecom sync run %s lost its worker: resumed", run_id)
        sync_run.delay(run_id)
    sync.nightly_start_when_due()
    app_messages.messages_lost_resend()
    app_messages.log_reminders_when_due()
