"""The public site's own pages (landing, pricing) and the page a suspended brand shows."""

from django.shortcuts import render
from django.views.generic import TemplateView

from apps.common.schemas import brand_of
from apps.tenants.models import Plan


class LandingView(TemplateView):
    template_name = "tenants/landing.html"


class PricingView(TemplateView):
    template_name = "tenants/pricing.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(plans=Plan.objects.all(), **kwargs)


def suspended(request):
    return render(request, "tenants/suspended.html", {"brand": brand_of(request)}, status=403)
