"""API bases shared by every app."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers, views
from rest_framework.exceptions import ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.pagination import LimitOffsetPagination


def exception_handler(exc, context):
    """DRF's, and the one place where a service's refusal becomes an answer: Django's
    ValidationError is a 400 (DRF already makes PermissionDenied a 403 and Http404 a 404), every
    400 shaped alike: messages per field, `non_field_errors` for the rest."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(get_error_detail(exc))
    response = views.exception_handler(exc, context)
    if response is not None and response.status_code == 400 and not isinstance(response.data, dict):
        response.data = {"non_field_errors": response.data if isinstance(response.data, list) else [response.data]}
    return response


class Pagination(LimitOffsetPagination):
    """`?limit=` up to 1,000; an offset past anything storable is a 400, not a database error."""

    max_limit = 1000
    max_offset = 2**53

    def get_offset(self, request):
        offset = super().get_offset(request)
        if offset > self.max_offset:
            raise ValidationError({self.offset_query_param: [_("偏移量过大。")]})
        return offset


class ItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["created", "duplicate", "error"])
    # `errors` is the answer's key; on a Serializer the name also means its validation errors,
    # which these answer-only serializers never have.
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]


class BatchResultSerializer(serializers.Serializer):
    """What a batch endpoint answers: counts, and each item's outcome in the order sent."""

    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    errors = serializers.IntegerField()  # type: ignore[assignment]
    results = ItemResultSerializer(many=True)


def ref_field(slug_field: str, *, null: bool = True) -> serializers.SlugRelatedField[Any]:
    """A related object, read-only, written as one of its fields (a person's email, a code)."""
    return serializers.SlugRelatedField(slug_field=slug_field, read_only=True, allow_null=null)


def query_filters(serializer_class: type[serializers.Serializer], request) -> dict[str, Any]:
    """The query string read by a filter serializer (which also documents it): a wrong value is a
    400 with its field's message; parameters left out or empty are not in the result."""
    filters = serializer_class(data=request.query_params)
    filters.is_valid(raise_exception=True)
    return {name: value for name, value in filters.validated_data.items() if value not in (None, "")}
