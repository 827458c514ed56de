"""Event file import: upload, check the columns and a sample, import in the background with a
progress bar, download the rows that failed."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from apps.common.views import ServiceFormView
from apps.kpis.forms import EventImportForm
from apps.kpis.models import ImportJob
from apps.kpis.services import imports
from apps.kpis.services.imports import HEADER_ALIASES
from apps.kpis.tasks import import_events_file
from apps.organisation.permissions import CapabilityRequiredMixin
from apps.organisation.roles import Capability


class ImportListView(ServiceFormView):
    required_capability = Capability.EVENTS_INGEST
    template_name = "kpis/imports.html"
    form_class = EventImportForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            jobs=ImportJob.objects.select_related("created_by")[:30], columns=HEADER_ALIASES, **kwargs
        )

    def perform(self, form):
        job = imports.import_job_create(upload=form.cleaned_data["file"], user=self.request.user)
        return redirect("kpis:import", job.pk)


class JobMixin(CapabilityRequiredMixin):
    required_capability = Capability.EVENTS_INGEST

    @cached_property
    def job(self) -> ImportJob:
        return get_object_or_404(ImportJob, pk=self.kwargs["pk"])


class ImportJobView(JobMixin, TemplateView):
    """Before the start: the columns found and a checked sample. After: the progress."""

    template_name = "kpis/import_job.html"

    def get_context_data(self, **kwargs):
        preview = imports.import_preview(self.job) if self.job.status == ImportJob.Status.PENDING else None
        return super().get_context_data(job=self.job, preview=preview, **kwargs)


class ImportStartView(JobMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        if self.job.status == ImportJob.Status.PENDING:
            ImportJob.objects.filter(pk=self.job.pk).update(status=ImportJob.Status.RUNNING)
            import_events_file.delay_on_commit(self.job.pk)
            messages.info(request, _("已开始导入，可以离开这个页面，导入会在后台继续。"))
        return redirect("kpis:import", pk)


class ImportProgressView(JobMixin, TemplateView):
    """htmx: the progress bar, polled every second until the job is finished."""

    template_name = "kpis/_import_progress.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(job=self.job, **kwargs)


class _Echo:
    def write(self, value):
        return value


class ImportErrorReportView(JobMixin, View):
    """The failed rows as uploaded plus what is wrong, as CSV (UTF-8 with BOM, for Excel)."""

    def get(self, request, pk):
        writer = csv.writer(_Echo())
        rows = (writer.writerow(row) for row in imports.error_report_rows(self.job))
        response = StreamingHttpResponse(_with_bom(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{self.job.pk}-errors.csv"'
        return response


def _with_bom(rows):
    yield "\ufeff"
    yield from rows
