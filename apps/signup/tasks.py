from apps.signup.services import signup_confirmation_send
from config.celery import app


@app.task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_signup_confirmation(brand_id: int, email: str, language: str) -> None:
    signup_confirmation_send(brand_id=brand_id, email=email, language=language)
