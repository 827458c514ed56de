from django.http import JsonResponse
from django.utils.translation import gettext as _

from apps.tenants.views import suspended


class SuspendedBrandMiddleware:
    """A suspended brand's site shows a clear page (403) and its API answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        brand = getattr(request, "tenant", None)
        if brand is not None and brand.is_suspended:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("该品牌已被停用。")}, status=403)
            return suspended(request)
        return self.get_response(request)
