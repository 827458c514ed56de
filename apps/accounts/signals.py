from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from apps.accounts.middleware import SESSION_SCHEMA_KEY
from apps.common.schemas import current_schema


@receiver(user_logged_in)
def bind_session_to_brand(sender, request, user, **kwargs):
    request.session[SESSION_SCHEMA_KEY] = current_schema()
