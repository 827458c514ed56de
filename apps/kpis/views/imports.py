"""Event file import: upload, check the columns and a sample, import in the background with a
progress bar, download the rows that failed."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View
from django_htmx.http import HttpResponseClientRefresh

from apps.common.spreadsheets import csv_row
from apps.kpis.forms import EventImportForm
from apps.kpis.models import ImportJob
from apps.kpis.services import imports
from apps.kpis.services.imports import HEADER_ALIASES
from apps.organisation.permissions import CapabilityRequiredMixin, ServiceFormView
from apps.organisation.roles import Capability


class ImportListView(ServiceFormView):
    required_capability = Capability.EVENTS_INGEST
    template_name = "kpis/imports.html"
    form_class = EventImportForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            jobs=ImportJob.objects.select_related("created_by")[:30], columns=HEADER_ALIASES, **kwargs
        )

    def post(self, request, *args, **kwargs):
        # Refused before Django reads (and spools to disk) a body far over the limit.
        if int(request.META.get("CONTENT_LENGTH") or 0) > (settings.IMPORT_MAX_FILE_MB + 1) * imports.MB:
            form = self.get_form_class()(data={}, files={})
            form.is_valid()
            form.errors["file"] = form.error_class(
                [_("文件不能超过 %(mb)s MB。") % {"mb": settings.IMPORT_MAX_FILE_MB}]
            )
            return self.render_to_response(self.get_context_data(form=form), status=413)
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        job = imports.import_job_create(upload=form.cleaned_data["file"], user=self.request.user)
        return redirect("kpis:import", job.pk)


class JobMixin(CapabilityRequiredMixin):
    required_capability = Capability.EVENTS_INGEST

    @cached_property
    def job(self) -> ImportJob:
        return get_object_or_404(ImportJob, pk=self.kwargs["pk"])


class ImportJobView(JobMixin, TemplateView):
    """While the worker checks the file: a note. Before the start: the columns found and a
    checked sample. After: the progress."""

    template_name = "kpis/import_job.html"

    def get_context_data(self, **kwargs):
        preview = imports.import_preview(self.job) if self.job.status == ImportJob.Status.PENDING else None
        return super().get_context_data(job=self.job, preview=preview, **kwargs)


class ImportStartView(JobMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        if imports.import_job_start(job=self.job):
            messages.info(request, _("已开始导入，可以离开这个页面，导入会在后台继续。"))
        return redirect("kpis:import", pk)


class ImportProgressView(JobMixin, TemplateView):
    """htmx: the check's or the import's progress, polled every second until it moves on; once
    the check is done the whole page reloads to show the preview."""

    template_name = "kpis/_import_progress.html"

    def get(self, request, *args, **kwargs):
        if self.job.status == ImportJob.Status.PENDING:
            return HttpResponseClientRefresh()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(job=self.job, **kwargs)


class _Echo:
    def write(self, value):
        return value


class ImportErrorReportView(JobMixin, View):
    """The failed rows as uploaded plus what is wrong, as CSV (UTF-8 with BOM, for Excel)."""

    def get(self, request, pk):
        writer = csv.writer(_Echo())
        rows = (writer.writerow(csv_row(row)) for row in imports.error_report_rows(self.job))
        response = StreamingHttpResponse(_with_bom(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{self.job.pk}-errors.csv"'
        return response


def _with_bom(rows):
    yield "\ufeff"
    yield from rows
