"""Background work for daily reports; each task calls a service. One brand's failure is retried
on its own and never holds up another's (the dispatcher sends one task per brand)."""

from apps.common.wecom import DeliveryFailed
from apps.reports.services import reports
from config.celery import app


@app.task(acks_late=True, autoretry_for=(Exception,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def run_schedule() -> dict:
    return reports.reports_run_schedule()


@app.task(acks_late=True, autoretry_for=(DeliveryFailed,), retry_backoff=60, retry_backoff_max=1800, max_retries=8)
def deliver_report(report_id: int) -> dict:
    return reports.report_deliver(report_id=report_id)
