"""Reads on customers and events: the people and facts behind a figure."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.db.models.functions import Greatest

from apps.kpis.models import Customer, Event
from apps.kpis.selectors.metrics import Scope
from apps.organisation.access import Visibility


def customers_list(*, visibility: Visibility, owner_id: int | None = None, search: str = "") -> QuerySet:
    customers = Customer.objects.select_related("owner", "campaign").order_by("-last_contact_on", "-id")
    if visibility.member_ids is not None:
        customers = customers.filter(owner_id__in=visibility.member_ids)
    if owner_id is not None:
        customers = customers.filter(owner_id=owner_id)
    if search:
        customers = customers.filter(Q(ref__icontains=search) | Q(name__icontains=search) | Q(tags__contains=[search]))
    return customers


def customer_events(customer: Customer) -> QuerySet:
    return customer.events.select_related("member", "campaign").order_by("-occurred_at", "-id")


def follow_ups_due(*, member_id: int, today: date, quiet_days: int = 7, limit: int = 20) -> QuerySet:
    """A rep's customers still in the pool with no contact for `quiet_days` or more, oldest first.
    Becoming a fan is a contact: someone added today is not a customer gone quiet."""
    cutoff = today - timedelta(days=quiet_days)
    return (
        Customer.objects.filter(owner_id=member_id, left_on__isnull=True)
        .annotate(last_touch=Greatest("last_contact_on", "joined_on"))  # PostgreSQL's GREATEST skips NULL
        .filter(last_touch__lte=cutoff)
        .order_by("last_touch", "pk")[:limit]
    )


def scope_events(scope: Scope, start: date, end: date) -> QuerySet:
    """The events behind a figure, newest first."""
    events = Event.objects.filter(day__range=(start, end)).select_related("member", "campaign", "customer")
    return scope.filter(events).order_by("-occurred_at", "-id")


def scope_customers(scope: Scope, start: date, end: date) -> QuerySet:
    """Customers who joined or bought within the period, in a scope."""
    customers = scope.filter(Customer.objects.all(), member="owner").select_related("owner", "campaign")
    active = Q(joined_on__range=(start, end)) | Q(last_order_on__gte=start, first_order_on__lte=end)
    return customers.filter(active).order_by("-gmv_total", "ref")
