"""Failed logins are counted per login identity and address (django-axes), under the same
normalised identity the login itself looks up: `Planner@…` and `planner@…` share one count."""

from __future__ import annotations

from django.conf import settings

from apps.accounts.models import login_identity


def lockout_username(request, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: from the credentials a backend was given, else the posted form."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field)
    if value is None and request is not None:
        value = getattr(request, "data", request.POST).get(field)
    return login_identity(value) if isinstance(value, str) else value
