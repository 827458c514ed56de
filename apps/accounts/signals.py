from django.contrib.auth.signals import user_logged_in
from django.db import connection
from django.dispatch import receiver

from apps.accounts.middleware import SESSION_SCHEMA_KEY


@receiver(user_logged_in)
def bind_session_to_brand(sender, request, user, **kwargs):
    request.session[SESSION_SCHEMA_KEY] = connection.schema_name
