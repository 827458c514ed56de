from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.client_address import client_address
from apps.signup.forms import SignupForm
from apps.signup.services import SignupThrottled, brand_create, signup_rate_check
from apps.signup.views import throttled_message
from apps.tenants.models import Industry
from apps.tenants.selectors import brand_url


class SignupRequestSerializer(serializers.Serializer):
    """Documents the request; SignupForm validates it, so the form and the API share one set of rules."""

    name = serializers.CharField(max_length=100)
    slug = serializers.CharField()
    time_zone = serializers.CharField(default="Asia/Shanghai")
    currency = serializers.CharField(default="CNY")
    industry = serializers.ChoiceField(
        choices=Industry.choices, default=Industry.OTHER, help_text="Picks the compliance starter additions."
    )
    admin_name = serializers.CharField(max_length=100)
    admin_email = serializers.EmailField()
    admin_password = serializers.CharField(write_only=True)


class SignupResponseSerializer(serializers.Serializer):
    slug = serializers.CharField()
    schema_name = serializers.CharField()
    url = serializers.URLField()
    login_url = serializers.URLField(
        help_text="Opens the brand's site logged in as its admin; works once, within two minutes."
    )


class SignupView(APIView):
    """Sign a brand up: creates its schema, its domain and its first admin."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []  # signups are limited per address and per email by signup_rate_check
    extra_error_codes = (429,)

    @extend_schema(request=SignupRequestSerializer, responses={201: SignupResponseSerializer})
    def post(self, request):
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": [_("请求体应是一个 JSON 对象。")]})
        form = SignupForm(data={"time_zone": "Asia/Shanghai", "currency": "CNY", **request.data})
        if not form.is_valid():
            raise ValidationError({field: [str(m) for m in messages] for field, messages in form.errors.items()})
        try:
            signup_rate_check(client_ip=client_address(request), email=form.cleaned_data["admin_email"])
        except SignupThrottled as refused:
            raise Throttled(wait=refused.wait, detail=throttled_message(refused)) from None
        signup = brand_create(**form.cleaned_data, confirm_email=settings.SIGNUP_EMAIL_CONFIRMATION)
        brand = signup.brand
        body = {
            "slug": brand.slug,
            "schema_name": brand.schema_name,
            "url": brand_url(brand),
            "login_url": brand_url(brand, f"/accounts/handoff/?token={signup.handoff_token}"),
        }
        return Response(SignupResponseSerializer(body).data, status=status.HTTP_201_CREATED)
