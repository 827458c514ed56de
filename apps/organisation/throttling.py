"""API rate limits: per integration key and per signed-in person, counted atomically in the
brand's part of Redis (apps.common.ratelimit), answered 429 with Retry-After by DRF when
exceeded. With Redis unreachable the limit is not enforced: a restart must not turn ingestion away."""

from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from apps.common.ratelimit import Rate, rate_hit
from apps.organisation.models import ApiKey


class AtomicRateThrottle(BaseThrottle):
    scope: str
    THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES

    def ident(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view):
        ident = self.ident(request)
        if ident is None:
            return True
        self._wait = rate_hit(scope=self.scope, ident=ident, rate=Rate.parse(self.THROTTLE_RATES[self.scope]))
        return self._wait is None

    def wait(self):
        return self._wait


class ApiKeyRateThrottle(AtomicRateThrottle):
    scope = "api_key"

    def ident(self, request):
        return request.auth.prefix if isinstance(request.auth, ApiKey) else None


class PersonRateThrottle(AtomicRateThrottle):
    scope = "person"

    def ident(self, request):
        if isinstance(request.auth, ApiKey) or not request.user.is_authenticated:
            return None
        return str(request.user.pk)
