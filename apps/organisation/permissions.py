"""How views and endpoints ask roles.py whether the current person may proceed, and the page
bases built on it: a form or a POST action that calls one service, whose ValidationErrors become
form errors or a message, behind a capability check."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import redirect, resolve_url
from django.views.generic import FormView, View
from django_htmx.http import HttpResponseClientRedirect
from rest_framework.permissions import SAFE_METHODS, BasePermission

from apps.organisation.roles import can


class CapabilityRequiredMixin(AccessMixin):
    """For class-based views: set `required_capability`; anonymous → login, lacking → 403."""

    required_capability: str | None = None
    request: HttpRequest
    kwargs: dict[str, Any]

    def handle_no_permission(self):
        # A polled fragment (a live board, a wall display) whose session ended: the whole page
        # goes to the login, and comes back after it, instead of a login form inside a table.
        if getattr(self.request, "htmx", False) and not self.request.user.is_authenticated:
            page = self.request.htmx.current_url or "/"
            return HttpResponseClientRedirect(redirect_to_login(page, resolve_url(self.get_login_url())).url)
        return super().handle_no_permission()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.required_capability is None or not can(request.user, self.required_capability):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class HasCapability(BasePermission):
    """For DRF views: `read_capability` for safe methods, `write_capability` for the rest.

    A view that names neither is closed to everyone, so forgetting is never an open door.
    """

    def has_permission(self, request, view):
        needed = getattr(view, "read_capability" if request.method in SAFE_METHODS else "write_capability", None)
        return needed is not None and can(request.auth or request.user, needed)


class ServiceFormView(CapabilityRequiredMixin, FormView):
    """A form whose valid data goes to one service; the service's ValidationErrors become form errors."""

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            response = self.perform(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return response


class ServiceActionView(CapabilityRequiredMixin, View):
    """POST only: run one service on one object, say how it went, go back to the list."""

    http_method_names = ["post"]
    success_url = ""

    def get_object(self):
        raise NotImplementedError

    def perform(self, obj) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError

    def post(self, request, **kwargs):
        try:
            messages.success(request, self.perform(self.get_object()))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(self.success_url)
