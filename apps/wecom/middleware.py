"""WeCom at the edge of the request, and signing in with it on the login page.

Its pushes are answered ahead of the brand lookup, sessions, CSRF, authentication, messages and
the audit log. None of those applies to a machine that signs its requests, and a campaign's burst
of callbacks (hundreds a second as its code is scanned) should cost what checking, decrypting and
storing them costs, not a page view each.

Which brand a callback host names is remembered for a few seconds per process: a brand suspended
meanwhile takes callbacks that long, one deleted meanwhile answers 500 that long (WeCom retries,
then gets the 404)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name, get_tenant_domain_model

from apps.common.schemas import brand_use, public_schema_use
from apps.tenants.models import Brand
from apps.wecom.services import sign_in
from apps.wecom.views import CallbackView

BRAND_MEMO_SECONDS = 5.0


class CallbackMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.view = CallbackView.as_view()
        self.path = reverse("wecom:callback", urlconf="config.urls_tenant")
        self.brands: dict[str, tuple[float, Brand]] = {}

    def __call__(self, request):
        if request.path_info != self.path:
            return self.get_response(request)
        hostname = TenantMainMiddleware.hostname_from_request(request)
        brand = self._brand(hostname)
        if brand is None:  # the public site, an unknown host, a suspended brand: the usual answers
            return self.get_response(request)
        request.tenant = brand
        brand_use(brand)
        return self.view(request)

    def _brand(self, hostname: str) -> Brand | None:
        remembered = self.brands.get(hostname)
        if remembered and remembered[0] > time.monotonic():
            return remembered[1]
        public_schema_use()
        domain = get_tenant_domain_model().objects.select_related("tenant").filter(domain=hostname).first()
        brand = domain.tenant if domain else None
        if brand is None or brand.kind != Brand.Kind.BRAND or brand.is_suspended:
            self.brands.pop(hostname, None)
            return None
        self.brands[hostname] = (time.monotonic() + BRAND_MEMO_SECONDS, brand)
        return brand


class SignInMiddleware:
    """The login page of a brand connected to WeCom offers 用企业微信登录, and inside the WeCom app
    goes there by itself (people who live in WeCom have no password to type); `?password=1`
    keeps the form."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.login_path = reverse("accounts:login", urlconf="config.urls_tenant")

    def __call__(self, request):
        if request.path_info != self.login_path or request.method != "GET" or not hasattr(request, "tenant"):
            return self.get_response(request)
        if request.tenant.schema_name == get_public_schema_name() or request.user.is_authenticated:
            return self.get_response(request)
        if sign_in.sign_in_available() is None:
            return self.get_response(request)
        start = reverse("wecom:sign_in") + "?" + urlencode({"next": request.GET.get("next", "")})
        if sign_in.in_wecom(request.headers.get("User-Agent", "")) and "password" not in request.GET:
            return redirect(start)
        request.wecom_sign_in = start
        return self.get_response(request)
