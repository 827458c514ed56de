from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.generic import FormView, TemplateView

from apps.tenants.forms import SignupForm
from apps.tenants.models import Plan
from apps.tenants.selectors import brand_url
from apps.tenants.services import brand_create


class LandingView(TemplateView):
    template_name = "tenants/landing.html"


class PricingView(TemplateView):
    template_name = "tenants/pricing.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(plans=Plan.objects.all(), **kwargs)


class SignupView(FormView):
    template_name = "tenants/signup.html"
    form_class = SignupForm

    def form_valid(self, form):
        try:
            signup = brand_create(**form.cleaned_data)
        except ValidationError as error:  # e.g. the slug was taken a moment ago
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect(brand_url(signup.brand, f"/accounts/handoff/?token={signup.handoff_token}"))


def suspended(request):
    return render(request, "tenants/suspended.html", {"brand": request.tenant}, status=403)
