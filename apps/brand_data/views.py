"""The brand admin's data page: exports to download, the audit log, and deleting the brand."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from apps.brand_data.forms import DeletionRequestForm
from apps.brand_data.models import DataExport
from apps.brand_data.services import deletion, exports
from apps.organisation.permissions import CapabilityRequiredMixin, ServiceActionView, ServiceFormView
from apps.organisation.roles import Capability
from apps.tenants.selectors import current_brand


class BrandDataView(ServiceFormView):
    required_capability = Capability.BRAND_DATA_MANAGE
    template_name = "brand_data/index.html"
    form_class = DeletionRequestForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            brand=current_brand(),
            exports=DataExport.objects.select_related("requested_by")[:20],
            grace_days=deletion.grace_period().days,
            **kwargs,
        )

    def perform(self, form):
        brand = deletion.deletion_request(user=self.request.user, **form.cleaned_data)
        when = deletion.deletion_due_text(brand)
        messages.warning(self.request, _("已申请删除品牌，将于 %(when)s 执行；在此之前可随时撤销。") % {"when": when})
        return redirect("brand_data:index")


class ExportRequestView(ServiceActionView):
    required_capability = Capability.BRAND_DATA_MANAGE
    success_url = "brand_data:index"

    def get_object(self):
        return current_brand()

    def perform(self, brand) -> str:
        exports.export_request(user=self.request.user)
        return _("已开始生成导出文件，完成后可在下方下载。")


class ExportDownloadView(CapabilityRequiredMixin, View):
    required_capability = Capability.BRAND_DATA_MANAGE

    def get(self, request, pk):
        export = get_object_or_404(DataExport, pk=pk, status=DataExport.Status.DONE)
        try:
            handle = export.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1])


class DeletionCancelView(ServiceActionView):
    required_capability = Capability.BRAND_DATA_MANAGE
    success_url = "brand_data:index"

    def get_object(self):
        return current_brand()

    def perform(self, brand) -> str:
        deletion.deletion_cancel(user=self.request.user)
        return _("已撤销删除申请，品牌数据将保留。")
