from apps.accounts.services import password_reset_send
from config.celery import app


@app.task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_password_reset(email: str) -> None:
    password_reset_send(email=email)
