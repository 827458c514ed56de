"""Page bases shared by every app: a form or a POST action that calls one service, whose
ValidationErrors become form errors or a message, behind a capability check."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import FormView, View

from apps.organisation.permissions import CapabilityRequiredMixin


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
