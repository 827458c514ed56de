from django.conf import settings
from django.contrib.auth import logout
from django.utils import translation

from apps.common.schemas import current_schema

SESSION_SCHEMA_KEY = "_brand_schema"


class BrandSessionGuardMiddleware:
    """Reject a session that was opened on another brand's site.

    Sessions live in the shared public schema and user ids repeat across brands, so a
    session cookie copied from brand A to brand B must not log anyone in on B.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.session.get(SESSION_SCHEMA_KEY) != current_schema():
            logout(request)
        return self.get_response(request)


class ChosenLanguageMiddleware:
    """Chinese unless the person picked another language with the switch: on this device (its
    cookie), or on any device once logged in (remembered on the person). After authentication.

    Django's LocaleMiddleware would follow the browser's Accept-Language instead, showing
    English to a Chinese team whose computers happen to be set to English.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supported = dict(settings.LANGUAGES)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in supported and request.user.is_authenticated:
            chosen = request.user.language
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response
