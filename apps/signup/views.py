"""The signup pages on the public site, and on the brand's own site the hand-over that logs the
new admin in."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from apps.common.client_address import client_address
from apps.common.schemas import current_schema
from apps.signup.forms import SignupForm
from apps.signup.services import (
    HANDOFF_MAX_AGE_SECONDS,
    SignupThrottled,
    brand_create,
    handoff_token_read,
    signup_confirm,
    signup_rate_check,
)
from apps.tenants.selectors import brand_url

User = get_user_model()


class SignupView(FormView):
    template_name = "signup/signup.html"
    form_class = SignupForm

    def form_valid(self, form):
        try:
            signup_rate_check(client_ip=client_address(self.request), email=form.cleaned_data["admin_email"])
        except SignupThrottled as refused:
            form.add_error(None, throttled_message(refused))
            response = self.form_invalid(form)
            response.status_code, response["Retry-After"] = 429, str(int(refused.wait))
            return response
        try:
            signup = brand_create(**form.cleaned_data, confirm_email=settings.SIGNUP_EMAIL_CONFIRMATION)
        except ValidationError as error:  # e.g. the slug was taken a moment ago
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect(brand_url(signup.brand, f"/accounts/handoff/?token={signup.handoff_token}"))


def throttled_message(refused: SignupThrottled) -> str:
    minutes = max(1, round(refused.wait / 60))
    return _("注册太频繁，请 %(minutes)s 分钟后再试。") % {"minutes": minutes}


class SignupConfirmView(TemplateView):
    """The link in the confirmation email: the brand is kept."""

    template_name = "signup/signup_confirmed.html"

    def get(self, request, token):
        try:
            brand = signup_confirm(token=token)
        except ValidationError as error:
            return render(request, self.template_name, {"error": " ".join(error.messages)}, status=400)
        return render(request, self.template_name, {"brand": brand, "brand_url": brand_url(brand)})


class HandoffView(View):
    """Log in the person a signed one-time token names (used right after signup on the public site).

    The token is bound to this brand's schema, expires in two minutes and works once.
    """

    def get(self, request):
        try:
            payload = handoff_token_read(request.GET.get("token", ""))
        except signing.BadSignature:
            return HttpResponseBadRequest(_("登录链接无效或已过期，请直接登录。"))
        if payload["schema"] != current_schema() or not cache.add(
            f"handoff:{payload['nonce']}", 1, HANDOFF_MAX_AGE_SECONDS * 2
        ):
            return HttpResponseBadRequest(_("登录链接无效或已使用，请直接登录。"))
        user = User.objects.filter(pk=payload["user"], is_active=True).first()
        if user is None:
            return HttpResponseBadRequest(_("登录链接无效，请直接登录。"))
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("欢迎使用私域运营平台！"))
        return redirect("dashboards:home")
