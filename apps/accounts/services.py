"""A person's own account: the language they read in, and a password reset that tells nobody
whether an account exists (the page always answers the same, the email — only to an active
account, in its owner's language — is composed and sent by a worker, so the answer takes as long
either way, and requests are limited per address)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation

from apps.accounts.models import login_identity
from apps.common.ratelimit import Rate, rate_hit
from apps.tenants.selectors import brand_domain_for, current_brand

log = logging.getLogger(__name__)

RESETS_PER_ADDRESS = Rate(limit=5, seconds=3600)


def person_language_set(*, person, language: str) -> None:
    """Remember the language someone picked, for their other devices and their emails."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    if person.language != language:
        person.language = language
        person.save(update_fields=["language"])


def language_of(person) -> str:
    return person.language or settings.LANGUAGE_CODE


def password_reset_request(*, email: str, client_ip: str) -> None:
    """Queue the reset email; silently do nothing over the hourly limit for this address."""
    from apps.accounts.tasks import send_password_reset

    if rate_hit(scope="password-reset", ident=client_ip, rate=RESETS_PER_ADDRESS) is not None:
        return
    send_password_reset.delay(login_identity(email))


class _ResetEmailInOwnersLanguage(PasswordResetForm):
    """Django's reset email (it finds the active accounts), written in each owner's language."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(language_of(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


def password_reset_send(*, email: str) -> None:
    """In the brand's schema: email a reset link if an active account has this address."""
    form = _ResetEmailInOwnersLanguage(data={"email": email})
    if not form.is_valid():
        return
    port = "" if settings.SITE_PORT in (80, 443) else f":{settings.SITE_PORT}"
    form.save(
        domain_override=f"{brand_domain_for(current_brand().slug)}{port}",
        use_https=settings.HTTPS,
        subject_template_name="accounts/password_reset_subject.txt",
        email_template_name="accounts/password_reset_email.txt",
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
