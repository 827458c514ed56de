"""How views and endpoints ask roles.py whether the current person may proceed."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from apps.organisation.roles import can


class CapabilityRequiredMixin(AccessMixin):
    """For class-based views: set `required_capability`; anonymous → login, lacking → 403."""

    required_capability: str | None = None

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
