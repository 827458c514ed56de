"""Daily report pages (each reader their part; XLSX and PDF of the same), report settings, reps'
daily logs, managers' comments, and the meeting view a team lead puts on screen."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from apps.common.periods import brand_today
from apps.common.schemas import brand_of
from apps.organisation.access import visibility_of
from apps.organisation.models import Team
from apps.organisation.permissions import CapabilityRequiredMixin, ServiceActionView, ServiceFormView
from apps.organisation.roles import Capability, can
from apps.organisation.selectors import team_subtree_ids
from apps.reports import exports, selectors
from apps.reports.forms import CommentForm, DailyLogForm, ReportSettingsForm
from apps.reports.models import DailyLog, DailyReport
from apps.reports.services import logs as log_services
from apps.reports.services import reports as report_services


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Http404 from None


class ReportMixin(CapabilityRequiredMixin):
    required_capability = Capability.KPI_VIEW_OWN

    @cached_property
    def report(self) -> DailyReport:
        return get_object_or_404(DailyReport, day=_day(self.kwargs["day"]))

    @cached_property
    def view(self) -> selectors.ReportView:
        return selectors.report_view(self.report, self.request.user)


class LatestReportView(CapabilityRequiredMixin, TemplateView):
    """The newest report, or a page saying when the first one comes."""

    required_capability = Capability.KPI_VIEW_OWN
    template_name = "reports/none.html"

    def get(self, request, *args, **kwargs):
        latest = DailyReport.objects.order_by("-day").values_list("day", flat=True).first()
        if latest is not None:
            return redirect("reports:report", latest.isoformat())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(settings=selectors.report_settings(), **kwargs)


class ReportPageView(ReportMixin, TemplateView):
    template_name = "reports/report.html"

    def get_context_data(self, **kwargs):
        view = self.view
        return super().get_context_data(
            view=view,
            days=selectors.reports_list(),
            chart=view.chart.as_json(brand_of(self.request).currency) if view.chart else None,
            can_manage=can(self.request.user, Capability.REPORTS_MANAGE),
            currency=brand_of(self.request).currency,
            **kwargs,
        )


class ReportXlsxView(ReportMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        body = exports.report_xlsx(self.view, brand_of(request).currency)
        response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="daily-report-{self.report.day}.xlsx"'
        return response


class ReportPdfView(ReportMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        body = exports.report_pdf(self.view, brand_of(request).name, brand_of(request).currency)
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="daily-report-{self.report.day}.pdf"'
        return response


class ReportRegenerateView(ServiceActionView):
    required_capability = Capability.REPORTS_MANAGE

    def get_object(self):
        return get_object_or_404(DailyReport, day=_day(self.kwargs["day"])).day

    def perform(self, day) -> str:
        self.success_url = f"/reports/{day.isoformat()}/"
        report_services.report_generate(day=day)
        return _("已按最新数据重新生成 %(day)s 的日报（不会重复发送）。") % {"day": day.isoformat()}


class ReportSettingsView(ServiceFormView):
    required_capability = Capability.REPORTS_MANAGE
    template_name = "reports/settings.html"
    form_class = ReportSettingsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": selectors.report_settings()}

    def perform(self, form):
        report_services.report_settings_update(**form.cleaned_data)
        messages.success(self.request, _("日报设置已保存。"))
        return redirect("reports:settings")


# --- daily logs -------------------------------------------------------------------------------


class MyLogView(ServiceFormView):
    """A rep's log for a day (today by default; yesterday too until the cutoff) and their past
    logs with managers' comments."""

    required_capability = Capability.DAILY_LOG_FILE
    template_name = "reports/my_logs.html"
    form_class = DailyLogForm

    @cached_property
    def today(self) -> date:
        return brand_today(brand_of(self.request).time_zone)

    @cached_property
    def day(self) -> date:
        return _day(self.request.GET["day"]) if self.request.GET.get("day") else self.today

    @cached_property
    def existing(self) -> DailyLog | None:
        return DailyLog.objects.filter(person_id=self.request.user.pk, day=self.day).first()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        chosen = list(self.existing.customers.values_list("pk", flat=True)) if self.existing else []
        kwargs.update(person=self.request.user, chosen=chosen)
        if self.existing and self.request.method == "GET":
            kwargs["initial"] = {
                "done": self.existing.done,
                "problems": self.existing.problems,
                "plan": self.existing.plan,
                "customers": chosen,
            }
        return kwargs

    def get_context_data(self, **kwargs):
        yesterday = self.today - timedelta(days=1)
        return super().get_context_data(
            day=self.day,
            today=self.today,
            open=log_services.log_is_open(self.day),
            closes_at=log_services.log_closes_at(self.day),
            yesterday_open=log_services.log_is_open(yesterday) and self.day != yesterday,
            yesterday=yesterday,
            existing=self.existing,
            logs=selectors.logs_of(self.request.user),
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        log_services.log_save(
            person=self.request.user,
            day=self.day,
            done=data["done"],
            plan=data["plan"],
            problems=data["problems"],
            customer_ids=[c.pk for c in data["customers"]],
        )
        messages.success(self.request, _("%(day)s 的日报已提交。") % {"day": self.day.isoformat()})
        return redirect(f"{self.request.path}?day={self.day.isoformat()}")


class TeamPickMixin:
    """?team= among the teams the viewer sees (none: everyone they see); ?day= (default yesterday)."""

    request: HttpRequest

    @cached_property
    def today(self) -> date:
        return brand_today(brand_of(self.request).time_zone)

    @cached_property
    def day(self) -> date:
        return _day(self.request.GET["day"]) if self.request.GET.get("day") else self.today - timedelta(days=1)

    @cached_property
    def teams(self) -> list[Team]:
        visibility = visibility_of(self.request.user)
        return list(Team.objects.filter(pk__in=visibility.team_ids).order_by("name"))

    @cached_property
    def team(self) -> Team | None:
        wanted = self.request.GET.get("team")
        if not wanted:
            return None
        team = next((t for t in self.teams if str(t.pk) == wanted), None)
        if team is None:
            raise Http404
        return team

    def team_ids(self) -> set[int] | None:
        if self.team is None:
            return None
        return team_subtree_ids([self.team.pk])

    def pick_context(self) -> dict:
        return {"day": self.day, "today": self.today, "teams": self.teams, "team": self.team}


class TeamLogsView(CapabilityRequiredMixin, TeamPickMixin, TemplateView):
    """The day's logs of the people one sees, who has not filed, and a comment box on each."""

    required_capability = Capability.KPI_VIEW_OWN
    template_name = "reports/team_logs.html"

    def dispatch(self, request, *args, **kwargs):
        visibility = visibility_of(request.user) if request.user.is_authenticated else None
        if visibility is not None and not visibility.brand_wide and not visibility.team_ids:
            return redirect("reports:my_logs")  # leads no team: their own logs are what they have
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        logs = list(selectors.logs_for(self.request.user, self.day, self.team_ids()))
        return super().get_context_data(
            logs=logs,
            missing=selectors.missing_logs(self.request.user, self.day, self.team_ids()),
            comment_form=CommentForm(),
            **self.pick_context(),
            **kwargs,
        )


class LogCommentView(ServiceFormView):
    required_capability = Capability.KPI_VIEW_OWN
    form_class = CommentForm
    template_name = "reports/comment_form.html"

    @cached_property
    def log(self) -> DailyLog:
        log = get_object_or_404(DailyLog.objects.select_related("person"), pk=self.kwargs["pk"])
        if not visibility_of(self.request.user).sees_member(log.person_id):
            raise Http404
        return log

    def get_context_data(self, **kwargs):
        return super().get_context_data(log=self.log, **kwargs)

    def perform(self, form):
        log_services.log_comment(log=self.log, author=self.request.user, text=form.cleaned_data["text"])
        messages.success(self.request, _("已批注 %(name)s 的日报。") % {"name": self.log.person.full_name})
        return redirect(f"/logs/team/?day={self.log.day.isoformat()}")


class MeetingView(CapabilityRequiredMixin, TeamPickMixin, TemplateView):
    """For the morning, noon or evening meeting: a team's figures and logs on one screen."""

    required_capability = Capability.KPI_VIEW_OWN
    template_name = "reports/meeting.html"

    def get_context_data(self, **kwargs):
        figures = selectors.meeting_figures(self.request.user, self.day, self.team_ids())
        return super().get_context_data(
            figures=figures,
            logs=list(selectors.logs_for(self.request.user, self.day, self.team_ids())),
            missing=selectors.missing_logs(self.request.user, self.day, self.team_ids()),
            **self.pick_context(),
            **kwargs,
        )
