from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from django.views.i18n import set_language

from apps.accounts.services import password_reset_request, person_language_set
from apps.common.client_address import client_address

User = get_user_model()


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetForm(forms.Form):
    email = forms.EmailField(label=_("邮箱"), max_length=254)  # lazy: read in the reader's language


class PasswordResetView(FormView):
    """The same answer whether or not the address has an account (see accounts.services)."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm

    def form_valid(self, form):
        password_reset_request(email=form.cleaned_data["email"], client_ip=client_address(self.request))
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
