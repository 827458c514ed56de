"""/health/ and /health/<component>/ answered before anything else runs: no brand lookup, host
check or session, so a probe still gets an answer (and the reason) while the database is down."""

from django.http import JsonResponse

from apps.common import health

PREFIX = "/health/"


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        component = request.path[len(PREFIX) :].strip("/")
        if component and component not in health.CHECKS:
            return JsonResponse({"detail": f"unknown component; one of {', '.join(health.CHECKS)}"}, status=404)
        result = health.report([component] if component else None)
        response = JsonResponse(result, status=200 if result["ok"] else 503)
        response["Cache-Control"] = "no-store"
        return response
