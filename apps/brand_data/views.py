"""The brand admin's data page: exports to download, the audit log, and deleting the brand."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from apps.brand_data.forms import DeletionRequestForm
from apps.brand_data.models import DataExport
from apps.brand_data.services import deletion, exports
from apps.common.views import ServiceFormView
from apps.organisation.permissions import CapabilityRequiredMixin
from apps.organisation.roles import Capability
from apps.tenants.selectors import current_brand


class BrandDataView(ServiceFormView):
    required_capability = Capability.BRAND_DATA_MANAGE
    template_name = "brand_data/index.html"
    form_class = DeletionRequestForm

    def get_context_data(self, **kwargs):
        brand = current_brand()
        return super().get_context_data(
            brand=brand,
            exports=DataExport.objects.select_related("requested_by")[:20],
            grace_days=deletion.grace_period().days,
            **kwargs,
        )

    def perform(self, form):
        brand = deletion.deletion_request(user=self.request.user, **form.cleaned_data)
        when = f"{timezone.localtime(brand.delete_after, ZoneInfo(brand.time_zone)):%Y-%m-%d %H:%M}"
        messages.warning(self.request, _("已申请删除品牌，将于 %(when)s 执行；在此之前可随时撤销。") % {"when": when})
        return redirect("brand_data:index")


class ExportRequestView(CapabilityRequiredMixin, View):
    required_capability = Capability.BRAND_DATA_MANAGE
    http_method_names = ["post"]

    def post(self, request):
        exports.export_request(user=request.user)
        messages.success(request, _("已开始生成导出文件，完成后可在下方下载。"))
        return redirect("brand_data:index")


class ExportDownloadView(CapabilityRequiredMixin, View):
    required_capability = Capability.BRAND_DATA_MANAGE

    def get(self, request, pk):
        export = get_object_or_404(DataExport, pk=pk, status=DataExport.Status.DONE)
        try:
            handle = export.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1])


class DeletionCancelView(CapabilityRequiredMixin, View):
    required_capability = Capability.BRAND_DATA_MANAGE
    http_method_names = ["post"]

    def post(self, request):
        try:
            deletion.deletion_cancel(user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已撤销删除申请，品牌数据将保留。"))
        return redirect("brand_data:index")
