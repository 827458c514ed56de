"""API rate limits: per integration key and per signed-in person, counted in the brand's cache
(keys carry the schema), answered 429 with Retry-After by DRF when exceeded. With the cache
unreachable the limit is not enforced: a Redis restart must not turn ingestion away."""

import logging

import redis
from rest_framework.throttling import SimpleRateThrottle

from apps.organisation.models import ApiKey

log = logging.getLogger(__name__)


class FailOpenRateThrottle(SimpleRateThrottle):
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except redis.RedisError:
            log.warning("rate limit not checked: cache unreachable", exc_info=True)
            return True


class ApiKeyRateThrottle(FailOpenRateThrottle):
    scope = "api_key"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}


class PersonRateThrottle(FailOpenRateThrottle):
    scope = "person"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey) or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
