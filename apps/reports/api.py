"""The reports API: daily reports (the parts the caller may read) and daily logs with comments."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from apps.common.api import query_filters
from apps.kpis.models import Customer
from apps.organisation.access import visibility_of
from apps.organisation.roles import Capability, can
from apps.reports import selectors
from apps.reports.models import DailyLog, DailyReport, LogComment
from apps.reports.services import logs as log_services
from apps.reports.services import reports as report_services

User = get_user_model()


def _day(text: str) -> date:
    """A day in a path: not a day, no such report (404)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NotFound(_("日期格式应为 YYYY-MM-DD。")) from None


class DailyLogFilters(serializers.Serializer):
    day = serializers.DateField(required=False, help_text="YYYY-MM-DD")
    person = serializers.IntegerField(min_value=1, required=False, help_text="A person's id.")


class ReportSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = DailyReport
        fields = ["day", "generated_at", "generations", "stale"]


def report_visible_data(report: DailyReport, principal) -> dict:
    """The stored report cut to what the caller may read (the same rule as the report page)."""
    visibility = visibility_of(principal)
    data = report.data
    reps = [rep for rep in data["reps"] if visibility.sees_member(rep["id"])]
    seen = {rep["id"] for rep in reps}
    return {
        "day": data["day"],
        "generated_at": report.generated_at,
        "generations": report.generations,
        "stale": report.stale,
        "month": data["month"],
        "figures": data["figures"],
        "brand": data["brand"] if visibility.brand_wide else None,
        "teams": [team for team in data["teams"] if visibility.sees_team(team["id"])],
        "reps": reps,
        "violations": [v for v in data["violations"] if v["rep"] in seen],
        "leaderboard": data["leaderboard"],
    }


class ReportViewSet(viewsets.GenericViewSet):
    """Daily data reports (数据日报), one per brand-local day, generated at the brand's send time for
    the day before. Each caller gets the parts they may read: the brand for managers, their teams
    for team leads, their own figures for a rep. Figures are decimal strings."""

    queryset = DailyReport.objects.order_by("-day")
    serializer_class = ReportSummarySerializer
    lookup_field = "day"
    lookup_value_regex = r"\d{4}-\d{2}-\d{2}"
    pagination_class = None  # the list is the last 31 days, never long
    read_capability = Capability.KPI_VIEW_OWN
    write_capability = Capability.REPORTS_MANAGE

    def list(self, request, **kwargs):
        """The last 31 reports."""
        return Response(ReportSummarySerializer(self.get_queryset()[:31], many=True).data)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def retrieve(self, request, day=None, **kwargs):
        report = get_object_or_404(DailyReport, day=_day(day))
        return Response(report_visible_data(report, request.auth or request.user))

    @extend_schema(request=None, responses=ReportSummarySerializer)
    @action(detail=True, methods=["post"])
    def regenerate(self, request, day=None, **kwargs):
        """Build the day's report again from the latest data (it is not sent again)."""
        existing = get_object_or_404(DailyReport, day=_day(day))
        report = report_services.report_generate(day=existing.day)
        return Response(ReportSummarySerializer(report).data)


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.full_name", read_only=True)

    class Meta:
        model = LogComment
        fields = ["id", "author", "text", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class DailyLogSerializer(serializers.ModelSerializer):
    person: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    customers = serializers.SlugRelatedField(
        slug_field="ref", many=True, queryset=Customer.objects.all(), required=False, help_text="Customer refs."
    )
    comments = CommentSerializer(many=True, read_only=True)
    done = serializers.CharField(allow_blank=True)
    plan = serializers.CharField(allow_blank=True)

    class Meta:
        model = DailyLog
        fields = ["id", "person", "day", "done", "customers", "problems", "plan", "comments", "updated_at"]
        read_only_fields = ["id", "person", "comments", "updated_at"]
        validators: list = []  # filing the same day again updates that day's log


class DailyLogViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Reps' daily logs (员工日报). A rep POSTs their own log for a day (again to change it, until
    the brand's cutoff the next morning); managers read the logs of the people they see and
    comment on them. Filter with `?day=` and `?person=`."""

    serializer_class = DailyLogSerializer
    read_capability = Capability.KPI_VIEW_OWN
    write_capability = Capability.KPI_VIEW_OWN  # filing needs daily_logs.file, commenting a manager's reach

    def get_queryset(self):
        filters = query_filters(DailyLogFilters, self.request)
        return selectors.daily_logs_list(visibility_of(self.request.auth or self.request.user), **filters)

    @extend_schema(parameters=[DailyLogFilters])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        person = self.request.user
        if not isinstance(person, User) or not can(person, Capability.DAILY_LOG_FILE):
            raise PermissionDenied(_("只有导购本人可以填写员工日报。"))
        data = serializer.validated_data
        serializer.instance = log_services.log_save(
            person=person,
            day=data["day"],
            done=data["done"],
            plan=data["plan"],
            problems=data.get("problems", ""),
            customer_ids=[c.pk for c in data.get("customers", [])],
        )

    @extend_schema(request=CommentSerializer, responses=CommentSerializer)
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None, **kwargs):
        """A manager's comment on a log of someone they see."""
        log = self.get_object()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not isinstance(request.user, User):
            raise PermissionDenied(_("批注需要以本人身份登录。"))
        comment = log_services.log_comment(log=log, author=request.user, text=body.validated_data["text"])
        return Response(CommentSerializer(comment).data, status=201)
