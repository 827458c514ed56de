"""Error pages that tell an outage from a bug: with the database unreachable the answer is 503 with
Retry-After (the client may try again shortly, nothing it sent was half-stored), not a 500."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.template.response import SimpleTemplateResponse
from django.views import defaults
from rest_framework.exceptions import APIException, NotFound

RETRY_AFTER_SECONDS = 10
UNAVAILABLE_DETAIL = "服务暂时不可用，请稍后重试。Service temporarily unavailable, please retry shortly."


def database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, OperationalError | InterfaceError)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception):
    """handler404: integrations asking for an address that matches no route get JSON, like
    every other API answer; people get the page."""
    if _is_api(request):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500 of both URL configurations. Django calls it inside the `except` of the failed
    request, so the exception is still at hand."""
    if not database_unavailable(sys.exc_info()[1]):
        if _is_api(request):
            return JsonResponse({"detail": str(APIException.default_detail)}, status=500)
        return defaults.server_error(request)
    if _is_api(request):
        response = JsonResponse({"detail": UNAVAILABLE_DETAIL}, status=503)
    else:
        # No request context: context processors would ask the database that just failed.
        response = SimpleTemplateResponse("503.html", status=503).render()
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
