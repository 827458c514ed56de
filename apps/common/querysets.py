"""Small helpers for the selectors' querysets."""

from django.db.models import QuerySet


def narrowed(queryset: QuerySet, **lookups) -> QuerySet:
    """The queryset filtered on the lookups that were given (None or "" means: not asked for)."""
    return queryset.filter(**{lookup: value for lookup, value in lookups.items() if value not in (None, "")})
