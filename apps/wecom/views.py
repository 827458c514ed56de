"""The WeCom pages: connection settings and syncs (brand admin), channel codes (planners, ops),
handovers and removal alerts (ops, and each rep's lead), the callback URL WeCom calls, and
signing in with WeCom (open to anyone: WeCom says who they are)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from apps.organisation.access import visibility_of
from apps.organisation.permissions import CapabilityRequiredMixin, ServiceActionView, ServiceFormView
from apps.organisation.roles import Capability
from apps.reports.selectors import report_settings
from apps.wecom import client, selectors
from apps.wecom.forms import ChannelCodeEditForm, ChannelCodeForm, ConnectionForm, MessageSettingsForm
from apps.wecom.models import ChannelCode, Handover, SyncRun
from apps.wecom.services import app_messages, callbacks, codes, connection, contacts, sign_in, sync

SIGN_IN_KEY = "wecom_sign_in"  # the state sent to WeCom, and where to go after


class ConnectionView(ServiceFormView):
    required_capability = Capability.WECOM_MANAGE
    template_name = "wecom/settings.html"
    form_class = ConnectionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "stored": selectors.secrets_shown(selectors.connection_read())}

    def get_initial(self):
        stored = selectors.connection_read()
        return {"corp_id": stored.corp_id, "agent_id": stored.agent_id, "new_member_role": stored.new_member_role}

    def get_context_data(self, **kwargs):
        stored = selectors.connection_read()
        return super().get_context_data(
            connection=stored,
            secrets=selectors.secrets_shown(stored),
            callback_url=self.request.build_absolute_uri(reverse("wecom:callback")),
            run=selectors.run_running() or selectors.runs_recent(1).first(),
            runs=selectors.runs_recent(),
            **kwargs,
        )

    def perform(self, form):
        saved = connection.connection_save(**form.cleaned_data)
        action = self.request.POST.get("action", "save")
        if action == "save":
            messages.success(self.request, _("已保存。"))
            return redirect("wecom:settings")
        if action == "test":
            checks = connection.connection_test(saved)
        else:
            connected, checks = connection.connection_connect(saved)
            if connected:
                messages.success(self.request, _("已连接企业微信，首次同步已开始。"))
                return redirect("wecom:settings")
        for check in checks:
            if check.ok:
                messages.success(self.request, _("%(what)s：正常。") % {"what": check.label})
            else:
                messages.error(self.request, f"{check.label}：{check.advice}")
        return redirect("wecom:settings")


class MessagesView(ServiceFormView):
    """Which messages the brand's WeCom app sends people, and every message with how it went."""

    required_capability = Capability.WECOM_MANAGE
    template_name = "wecom/messages.html"
    form_class = MessageSettingsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": selectors.connection_read()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            connection=selectors.connection_read(),
            sent=selectors.app_messages_recent(),
            cutoff=report_settings().log_cutoff,
            **kwargs,
        )

    def perform(self, form):
        app_messages.message_settings_save(**form.cleaned_data)
        messages.success(self.request, _("已保存。"))
        return redirect("wecom:messages")


class DisconnectView(ServiceActionView):
    required_capability = Capability.WECOM_MANAGE
    success_url = "wecom:settings"

    def get_object(self):
        return None

    def perform(self, obj) -> str:
        connection.connection_disconnect()
        return _("已断开：不再拉取数据、不再接收回调，已有数据保留。")


class SyncStartView(ServiceActionView):
    required_capability = Capability.WECOM_MANAGE
    success_url = "wecom:settings"

    def get_object(self):
        if not selectors.connection_read().active:
            raise ValidationError(_("请先连接企业微信。"))

    def perform(self, obj) -> str:
        sync.sync_start(trigger=SyncRun.Trigger.BUTTON)
        return _("同步已开始。")


class SyncResumeView(ServiceActionView):
    required_capability = Capability.WECOM_MANAGE
    success_url = "wecom:settings"

    def get_object(self):
        return get_object_or_404(SyncRun, pk=self.kwargs["pk"], status=SyncRun.Status.FAILED)

    def perform(self, obj) -> str:
        sync.sync_resume(obj)
        return _("同步从中断处继续。")


class SyncProgressView(CapabilityRequiredMixin, TemplateView):
    """htmx: one run's progress bar and report, polled while it runs."""

    required_capability = Capability.WECOM_MANAGE

    def get_template_names(self):
        return ["wecom/_sync_run.html" if self.request.htmx else "wecom/sync_run.html"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(run=get_object_or_404(SyncRun, pk=self.kwargs["pk"]), **kwargs)


@method_decorator(csrf_exempt, name="dispatch")  # WeCom signs its requests; there is no session
class CallbackView(View):
    """The brand's callback URL: GET is WeCom checking the URL, POST an event."""

    http_method_names = ["get", "post"]

    def get(self, request):
        try:
            echo = callbacks.callback_echo(request.GET)
        except callbacks.CallbackRefused as refused:
            return _refusal(refused)
        return HttpResponse(echo, content_type="text/plain; charset=utf-8")

    def post(self, request):
        try:
            callbacks.callback_receive(request.GET, request.body)
        except callbacks.CallbackRefused as refused:
            return _refusal(refused)
        return HttpResponse("success", content_type="text/plain")  # what WeCom expects


def _refusal(refused: callbacks.CallbackRefused) -> HttpResponse:
    if refused.status == 404:
        raise Http404
    if refused.status == 400:
        return HttpResponseBadRequest(refused.reason, content_type="text/plain")
    return HttpResponse(refused.reason, status=refused.status, content_type="text/plain")


class CodeListView(CapabilityRequiredMixin, TemplateView):
    required_capability = Capability.WECOM_CODES
    template_name = "wecom/codes.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rows=selectors.codes_with_figures(include_removed=self.request.GET.get("all") == "1"),
            connected=selectors.connection_read().active,
            **kwargs,
        )


class CodeCreateView(ServiceFormView):
    required_capability = Capability.WECOM_CODES
    template_name = "wecom/code_form.html"
    form_class = ChannelCodeForm

    def perform(self, form):
        code = codes.code_create(actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("渠道活码「%(name)s」已创建。") % {"name": code.name})
        return redirect("wecom:codes")


class CodeEditView(ServiceFormView):
    required_capability = Capability.WECOM_CODES
    template_name = "wecom/code_form.html"
    form_class = ChannelCodeEditForm

    def code(self) -> ChannelCode:
        return get_object_or_404(ChannelCode, pk=self.kwargs["pk"])

    def get_initial(self):
        code = self.code()
        return {"name": code.name, "cost": code.cost}

    def get_context_data(self, **kwargs):
        return super().get_context_data(code=self.code(), **kwargs)

    def perform(self, form):
        codes.code_update(code=self.code(), **form.cleaned_data)
        messages.success(self.request, _("已保存。"))
        return redirect("wecom:codes")


class CodeRemoveView(ServiceActionView):
    required_capability = Capability.WECOM_CODES
    success_url = "wecom:codes"

    def get_object(self):
        return get_object_or_404(ChannelCode, pk=self.kwargs["pk"], removed_at__isnull=True)

    def perform(self, obj) -> str:
        codes.code_remove(code=obj)
        return _("渠道活码「%(name)s」已停用：扫码不再加好友，已带来的客户照常统计。") % {"name": obj.name}


class CodeImageView(CapabilityRequiredMixin, View):
    """The code's QR image, fetched from WeCom, as a PNG to print (?download=1 saves it)."""

    required_capability = Capability.WECOM_CODES

    def get(self, request, pk):
        code = get_object_or_404(ChannelCode, pk=pk)
        if not code.qr_code:
            raise Http404
        try:
            image = client.qr_image(selectors.connection_read(), code.qr_code)
        except client.WecomError:
            return HttpResponse(
                _("暂时取不到二维码图片，请稍后再试。"), status=502, content_type="text/plain; charset=utf-8"
            )
        response = HttpResponse(image, content_type="image/png")
        if request.GET.get("download") == "1":
            response["Content-Disposition"] = f'attachment; filename="channel-code-{code.pk}.png"'
        response["Cache-Control"] = "private, max-age=3600"
        return response


class HandoverView(CapabilityRequiredMixin, TemplateView):
    """Customers waiting for a new owner, and reps deleting customers, as far as one sees."""

    required_capability = Capability.KPI_VIEW_OWN
    template_name = "wecom/handover.html"

    def get_context_data(self, **kwargs):
        visibility = visibility_of(self.request.user)
        handovers = list(selectors.handovers_open(visibility)[:500])
        alerts = list(selectors.alerts_for(visibility, self.request.user.pk)[:200])
        names = selectors.contact_names([h.external_userid for h in handovers])
        return super().get_context_data(
            handovers=[(h, names.get(h.external_userid, "")) for h in handovers],
            alerts=alerts,
            unseen=sum(1 for a in alerts if a.seen_at is None),
            reasons=Handover.Reason,
            **kwargs,
        )


class AlertsSeenView(ServiceActionView):
    required_capability = Capability.KPI_VIEW_OWN
    success_url = "wecom:handover"

    def get_object(self):
        return selectors.alerts_for(visibility_of(self.request.user), self.request.user.pk)

    def perform(self, obj) -> str:
        contacts.alerts_seen(obj)
        return _("已全部标为已读。")


class AlertCountView(CapabilityRequiredMixin, TemplateView):
    """htmx: the viewer's unseen removal alerts, polled by the menu."""

    required_capability = Capability.KPI_VIEW_OWN
    template_name = "wecom/_alert_count.html"

    def get_context_data(self, **kwargs):
        count = selectors.alerts_unseen_count(visibility_of(self.request.user), self.request.user.pk)
        return super().get_context_data(count=count, **kwargs)


class SignInStartView(View):
    """用企业微信登录: off to WeCom (its OAuth inside the app, its QR login elsewhere)."""

    def get(self, request):
        available = sign_in.sign_in_available()
        if available is None:
            raise Http404
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            next_url = ""
        state = sign_in.new_state()
        request.session[SIGN_IN_KEY] = {"state": state, "next": next_url}
        return redirect(
            sign_in.sign_in_url(
                available,
                back_to=request.build_absolute_uri(reverse("wecom:sign_in_done")),
                state=state,
                inside_app=sign_in.in_wecom(request.headers.get("User-Agent", "")),
            )
        )


class SignInDoneView(View):
    """Where WeCom sends the browser back: the code for the person, if the state is ours."""

    def get(self, request):
        pending = request.session.pop(SIGN_IN_KEY, None) or {}
        available = sign_in.sign_in_available()
        if available is None:
            raise Http404
        state = request.GET.get("state", "")
        if not pending.get("state") or not secrets.compare_digest(str(pending["state"]), state):
            return _sign_in_refused(request, _("这个登录请求已失效或不是从本页面发起的，请重新登录。"), status=400)
        try:
            person = sign_in.person_for_code(available, request.GET.get("code", ""))
        except sign_in.SignInRefused as refused:
            return _sign_in_refused(request, str(refused))
        login(request, person, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(pending.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL))


def _sign_in_refused(request, reason: str, status: int = 403):
    return render(request, "wecom/sign_in_refused.html", {"reason": reason}, status=status)
