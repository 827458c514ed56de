from django.contrib.auth import logout
from django.db import connection

SESSION_SCHEMA_KEY = "_brand_schema"


class BrandSessionGuardMiddleware:
    """Reject a session that was opened on another brand's site.

    Sessions live in the shared public schema and user ids repeat across brands, so a
    session cookie copied from brand A to brand B must not log anyone in on B.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.session.get(SESSION_SCHEMA_KEY) != connection.schema_name:
            logout(request)
        return self.get_response(request)
