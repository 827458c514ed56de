from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.tenants.forms import SignupForm
from apps.tenants.selectors import brand_url
from apps.tenants.services import brand_create


class SignupRequestSerializer(serializers.Serializer):
    """Documents the request; SignupForm validates it, so the form and the API share one set of rules."""

    name = serializers.CharField(max_length=100)
    slug = serializers.CharField()
    time_zone = serializers.CharField(default="Asia/Shanghai")
    currency = serializers.CharField(default="CNY")
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
    throttle_scope = "signup"

    @extend_schema(request=SignupRequestSerializer, responses={201: SignupResponseSerializer})
    def post(self, request):
        form = SignupForm(data={"time_zone": "Asia/Shanghai", "currency": "CNY", **request.data})
        if not form.is_valid():
            raise ValidationError({field: [str(m) for m in messages] for field, messages in form.errors.items()})
        try:
            signup = brand_create(**form.cleaned_data)
        except DjangoValidationError as error:
            raise ValidationError(get_error_detail(error)) from None
        brand = signup.brand
        body = {
            "slug": brand.slug,
            "schema_name": brand.schema_name,
            "url": brand_url(brand),
            "login_url": brand_url(brand, f"/accounts/handoff/?token={signup.handoff_token}"),
        }
        return Response(SignupResponseSerializer(body).data, status=status.HTTP_201_CREATED)
