"""The OpenAPI schema documents the errors each operation can answer, derived from what the view
does rather than written by hand on each of them:

- 400 when it writes (a service may refuse: the last admin, a started competition …) or reads
  query parameters (field messages: `{"field": ["…"]}`),
- 401 and 403 unless anyone may call it (no or a bad key; a role that may not; CSRF; a suspended brand),
- 404 when its path names something (unknown or not visible to the caller: ids cannot be probed),
- 415 when it takes a body (a content type it does not read),
- 429 when it is rate-limited (with Retry-After),

plus any a view declares in `extra_error_codes` (signup's own limits, say).
"""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny

_DETAIL = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})
_FIELDS = {
    "type": "object",
    "description": "A list of messages per field; `non_field_errors` for the request as a whole.",
    "additionalProperties": {},
}
_DESCRIPTIONS = {
    400: "Invalid input: messages per field.",
    401: "No API key or session, or the key is revoked or unknown.",
    403: "The caller's roles may not do this, the CSRF token is missing, or the brand is suspended.",
    404: "No such object, or not one the caller may see.",
    415: "The body's content type is not one this operation reads.",
    429: "Over the rate limit; `Retry-After` says how many seconds to wait.",
}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in sorted(self._error_codes(operation)):
            if str(code) not in responses:
                responses[str(code)] = self._error_response(code)
        return operation

    def _error_codes(self, operation: dict) -> set[int]:
        view = self.view
        codes = set(getattr(view, "extra_error_codes", ()))
        takes_body = "requestBody" in operation
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        if writes or any(p.get("in") == "query" for p in operation.get("parameters", [])):
            codes.add(400)
        if takes_body:
            codes.add(415)
        if any(p.get("in") == "path" for p in operation.get("parameters", [])):
            codes.add(404)
        if view.get_authenticators() and not all(isinstance(p, AllowAny) for p in view.get_permissions()):
            codes |= {401, 403}
        if view.get_throttles():
            codes.add(429)
        return codes

    def _error_response(self, code: int) -> dict:
        response = self._get_response_for_code(_FIELDS if code == 400 else _DETAIL, str(code))
        response["description"] = _DESCRIPTIONS[code]
        if code == 429:
            response["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
        return response
