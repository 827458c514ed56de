from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from django.views.i18n import set_language

from apps.accounts.services import password_reset_request, person_language_set
from apps.tenants.services import HANDOFF_MAX_AGE_SECONDS, handoff_token_read

User = get_user_model()


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class HandoffView(View):
    """Log in the person a signed one-time token names (used right after signup on the public site).

    The token is bound to this brand's schema, expires in two minutes and works once.
    """

    def get(self, request):
        try:
            payload = handoff_token_read(request.GET.get("token", ""))
        except signing.BadSignature:
            return HttpResponseBadRequest(_("登录链接无效或已过期，请直接登录。"))
        if payload["schema"] != connection.schema_name or not cache.add(
            f"handoff:{payload['nonce']}", 1, HANDOFF_MAX_AGE_SECONDS * 2
        ):
            return HttpResponseBadRequest(_("登录链接无效或已使用，请直接登录。"))
        user = User.objects.filter(pk=payload["user"], is_active=True).first()
        if user is None:
            return HttpResponseBadRequest(_("登录链接无效，请直接登录。"))
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("欢迎使用私域运营平台！"))
        return redirect("dashboards:home")


class PasswordResetForm(forms.Form):
    email = forms.EmailField(label=_("邮箱"), max_length=254)


class PasswordResetView(FormView):
    """The same answer whether or not the address has an account (see accounts.services)."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm

    def form_valid(self, form):
        password_reset_request(email=form.cleaned_data["email"], client_ip=self.request.META.get("REMOTE_ADDR", ""))
        return self.render_to_response(self.get_context_data(sent=True))


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Where an invited person (or one who forgot) sets their password."""

    template_name = "accounts/set_password.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def get_success_url(self):
        return "/"


@require_POST
def language_set(request):
    """Django's language switch (cookie, safe redirect), and for someone logged in, remembered."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        person_language_set(person=request.user, language=language)
    return response
