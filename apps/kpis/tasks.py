"""Background work for KPIs; each task takes ids and calls one service."""

import logging

from apps.kpis.services import imports
from config.celery import app

logger = logging.getLogger(__name__)


@app.task(acks_late=True)
def check_events_file(job_id: int) -> str:
    """Read an uploaded file once: its columns, its rows within the limits, a preview."""
    return imports.import_job_check(job_id=job_id).status


@app.task(bind=True, acks_late=True, max_retries=3, default_retry_delay=10)
def import_events_file(self, job_id: int) -> None:
    """Resumable: each chunk commits with the job's progress, so a retry continues where it stopped."""
    try:
        imports.import_job_run(job_id=job_id)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            logger.exception("import job %s failed", job_id)
            imports.import_job_fail(job_id=job_id, message=str(error))
            return
        raise self.retry(exc=error) from error
