from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from apps.organisation.models import ApiKey
from apps.organisation.services import api_key_touch

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <prefix>.<secret>`; request.auth becomes the ApiKey."""

    def authenticate(self, request):
        # Read as text: DRF's helper encodes to latin-1 and would fail on other characters.
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _sep, key = header.partition(" ")
        if scheme != KEYWORD:
            return None
        key = key.strip()
        try:
            api_key = ApiKey.objects.get_from_key(key)
        except ApiKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("API 密钥无效或已吊销。")) from None
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed(_("API 密钥已过期。"))
        api_key_touch(api_key=api_key)
        return (AnonymousUser(), api_key)

    def authenticate_header(self, request):
        return KEYWORD


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Documents the key scheme in the OpenAPI schema (and lets API clients and fuzzers use it)."""

    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": f"`{KEYWORD} <key>`, created by a brand admin on API 密钥.",
        }
