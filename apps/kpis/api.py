"""The KPI API: events in (batches, idempotent), campaigns, targets, metrics, figures, customers."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.common.api import BatchResultSerializer, query_filters, ref_field
from apps.common.formatting import Unit, achievement_value, decimal_text
from apps.common.periods import Period, PeriodError, brand_today
from apps.kpis.catalogue import Channel, EventKind
from apps.kpis.models import Campaign, Customer, CustomMetric, Event, KpiSettings, StageWeight, Target
from apps.kpis.selectors import customers as customer_selectors
from apps.kpis.selectors import lists
from apps.kpis.selectors.focus import focus_from_params, visible_customer
from apps.kpis.selectors.metrics import GROUPS, metric_table, metrics_registry
from apps.kpis.selectors.targets import figures, kpi_settings, scorecard
from apps.kpis.services import campaigns as campaign_services
from apps.kpis.services import metrics as metric_services
from apps.kpis.services import targets as target_services
from apps.kpis.services.events import MAX_BATCH, EventBatchSerializer, events_ingest
from apps.organisation.access import visibility_of
from apps.organisation.models import Team
from apps.organisation.roles import Capability, Role
from apps.tenants.selectors import current_brand

# --- events ------------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    member = ref_field("email")
    campaign = ref_field("code")
    customer = ref_field("ref")

    class Meta:
        model = Event
        fields = [
            "id",
            "external_id",
            "kind",
            "occurred_at",
            "day",
            "member",
            "channel",
            "campaign",
            "customer",
            "quantity",
            "amount",
            "tags",
            "created_at",
        ]


class EventFilters(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventKind.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    day = serializers.DateField(required=False, help_text="A brand-local day, YYYY-MM-DD.")
    member = serializers.IntegerField(min_value=1, required=False, help_text="A person's id.")


class EventBatchView(generics.ListAPIView):
    """POST a batch of up to 1,000 events; each item is answered created, duplicate or error.

    Replaying a batch stores nothing twice (events are keyed by `external_id`). Items with errors
    are reported with field messages; the others are stored. GET lists stored events.
    """

    serializer_class = EventSerializer
    read_capability = Capability.KPI_VIEW_BRAND
    write_capability = Capability.EVENTS_INGEST

    def get_queryset(self):
        return lists.events_list(**query_filters(EventFilters, self.request))

    @extend_schema(parameters=[EventFilters])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=EventBatchSerializer,
        responses={200: BatchResultSerializer},
        description='Body: `{"events": [...]}` or a bare JSON array of events.',
    )
    def post(self, request):
        items = request.data.get("events") if isinstance(request.data, dict) else request.data
        if not isinstance(items, list) or not items:
            raise ValidationError({"events": [_("请提交事件数组：events 字段应是事件列表。")]})
        if len(items) > MAX_BATCH:
            raise ValidationError(
                {"events": [_("一批最多 %(max)d 个事件，收到 %(n)d 个。") % {"max": MAX_BATCH, "n": len(items)}]}
            )
        return Response(events_ingest(items=items).as_json())


# --- campaigns -----------------------------------------------------------------------------------


class CampaignSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Campaign
        fields = ["id", "code", "name", "channel", "owner", "starts_on", "ends_on", "budget", "target_gmv"]

    def validate(self, attrs):
        starts, ends = (
            attrs.get("starts_on", getattr(self.instance, "starts_on", None)),
            attrs.get("ends_on", getattr(self.instance, "ends_on", None)),
        )
        if starts and ends and ends < starts:
            raise ValidationError({"ends_on": [_("结束日期不能早于开始日期。")]})
        return attrs


class CampaignViewSet(viewsets.ModelViewSet):
    """Campaigns (活动). Events carry a campaign's `code`; its figures come from those events."""

    serializer_class = CampaignSerializer
    queryset = Campaign.objects.select_related("owner")
    read_capability = Capability.KPI_VIEW_BRAND
    write_capability = Capability.CAMPAIGNS_MANAGE

    def perform_create(self, serializer):
        serializer.instance = campaign_services.campaign_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = campaign_services.campaign_update(
            campaign=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        campaign_services.campaign_delete(campaign=instance)


# --- targets -------------------------------------------------------------------------------------


class TargetFilters(serializers.Serializer):
    metric = serializers.CharField(required=False, max_length=64)
    person = serializers.IntegerField(min_value=1, required=False)
    team = serializers.IntegerField(min_value=1, required=False)


class TargetSerializer(serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True, required=False)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Target
        fields = ["id", "metric", "person", "team", "period_kind", "period_start", "value", "test_phase", "updated_at"]
        read_only_fields = ["id", "updated_at"]
        validators: list = []  # target_set replaces the target already set for the same slot

    def validate_metric(self, value):
        if value not in metrics_registry():
            raise ValidationError(_("没有这个指标：%(code)s") % {"code": value})
        return value


class TargetViewSet(viewsets.ModelViewSet):
    """KPI targets per person, team or the brand (neither), per month or quarter.

    POST replaces the target already set for the same metric, subject and period.
    """

    serializer_class = TargetSerializer
    read_capability = Capability.KPI_VIEW_BRAND
    write_capability = Capability.TARGETS_MANAGE

    def get_queryset(self):
        return lists.targets_list(**query_filters(TargetFilters, self.request))

    @extend_schema(parameters=[TargetFilters])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = target_services.target_set(**serializer.validated_data)

    def perform_update(self, serializer):
        target = serializer.instance
        data = {
            "metric": target.metric,
            "person": target.person,
            "team": target.team,
            "period_kind": target.period_kind,
            "period_start": target.period_start,
            "value": target.value,
            "test_phase": target.test_phase,
            **serializer.validated_data,
        }
        if (data["metric"], data["person"], data["team"], data["period_kind"]) != (
            target.metric,
            target.person,
            target.team,
            target.period_kind,
        ):
            raise ValidationError({"metric": [_("要改指标、对象或周期，请删除后重新设置。")]})
        serializer.instance = target_services.target_set(**data)

    def perform_destroy(self, instance):
        target_services.target_delete(target=instance)

    @extend_schema(request=TargetSerializer(many=True), responses={200: TargetSerializer(many=True)})
    @action(detail=False, methods=["post"], pagination_class=None)
    def bulk(self, request):
        """Set many targets at once: all or nothing."""
        serializer = TargetSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        saved = target_services.targets_set_many(items=serializer.validated_data)
        return Response(TargetSerializer(saved, many=True).data)


# --- metrics -------------------------------------------------------------------------------------


class MetricSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.ChoiceField(choices=Unit.choices)
    lower_is_better = serializers.BooleanField()
    formula = serializers.CharField(allow_null=True)
    custom = serializers.BooleanField()


class MetricListView(APIView):
    """Every metric a brand can use: built-in base and derived ones, and its own."""

    read_capability = Capability.KPI_VIEW_OWN

    @extend_schema(responses=MetricSerializer(many=True))
    def get(self, request):
        return Response(
            MetricSerializer(
                [
                    {
                        "code": m.code,
                        "name": str(m.name),
                        "unit": m.unit,
                        "lower_is_better": m.lower_is_better,
                        "formula": m.formula,
                        "custom": m.custom,
                    }
                    for m in metrics_registry().values()
                ],
                many=True,
            ).data
        )


class CustomMetricSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomMetric
        fields = ["id", "code", "name", "formula", "unit", "lower_is_better"]
        validators: list = []


class CustomMetricViewSet(viewsets.ModelViewSet):
    """A brand's own derived metrics: a formula over metric codes (+ - * / and parentheses)."""

    serializer_class = CustomMetricSerializer
    queryset = CustomMetric.objects.all()
    read_capability = Capability.KPI_VIEW_OWN
    write_capability = Capability.METRICS_MANAGE

    def _save(self, serializer, metric=None):
        data = {"code": "", "name": "", "formula": "", "unit": Unit.RATIO, "lower_is_better": False}
        if metric is not None:
            data.update(
                code=metric.code,
                name=metric.name,
                formula=metric.formula,
                unit=metric.unit,
                lower_is_better=metric.lower_is_better,
            )
        data.update(serializer.validated_data)
        data["formula_text"] = data.pop("formula")
        serializer.instance = metric_services.custom_metric_save(metric=metric, **data)

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        metric_services.custom_metric_delete(metric=instance)


class KpiSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = KpiSettings
        fields = ["achieved_pct", "exceeded_pct", "stage", "score_cap_pct", "future_tolerance_minutes"]
        # PUT replaces the whole; the tolerance came later and keeps its value when left out
        extra_kwargs = {name: {"required": True} for name in fields if name != "future_tolerance_minutes"}


class KpiSettingsView(APIView):
    """Tier thresholds (达成 / 超额达成, in % of target), the programme's stage, the scorecard cap."""

    read_capability = Capability.KPI_VIEW_OWN
    write_capability = Capability.METRICS_MANAGE

    @extend_schema(responses=KpiSettingsSerializer)
    def get(self, request):
        return Response(KpiSettingsSerializer(kpi_settings()).data)

    @extend_schema(request=KpiSettingsSerializer, responses=KpiSettingsSerializer)
    def put(self, request):
        serializer = KpiSettingsSerializer(kpi_settings(), data=request.data)
        serializer.is_valid(raise_exception=True)
        settings = metric_services.kpi_settings_update(**serializer.validated_data)
        return Response(KpiSettingsSerializer(settings).data)


class StageWeightsSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=KpiSettings.Stage.choices)
    role = serializers.ChoiceField(choices=Role.choices)
    weights = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0))


class StageWeightsView(APIView):
    """Each role's scorecard per stage: metric → weight."""

    read_capability = Capability.KPI_VIEW_OWN
    write_capability = Capability.METRICS_MANAGE

    @extend_schema(responses=StageWeightsSerializer(many=True))
    def get(self, request):
        cards: dict[tuple, dict] = {}
        for weight in StageWeight.objects.all():
            cards.setdefault((weight.stage, weight.role), {})[weight.metric] = weight.weight
        data = [{"stage": s, "role": r, "weights": w} for (s, r), w in sorted(cards.items())]
        return Response(StageWeightsSerializer(data, many=True).data)

    @extend_schema(request=StageWeightsSerializer, responses=StageWeightsSerializer)
    def put(self, request):
        serializer = StageWeightsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        metric_services.stage_weights_set(**serializer.validated_data)
        return Response(serializer.data)


# --- figures -------------------------------------------------------------------------------------

_KPI_PARAMETERS = [
    OpenApiParameter("metrics", str, description="Comma-separated metric codes (see /api/v1/metrics/)."),
    OpenApiParameter("period", str, enum=["day", "week", "month", "quarter", "custom"]),
    OpenApiParameter("date", OpenApiTypes.DATE, description="A day inside the period (default: today)."),
    OpenApiParameter("start", OpenApiTypes.DATE, description="custom period"),
    OpenApiParameter("end", OpenApiTypes.DATE, description="custom period"),
    OpenApiParameter("member", int),
    OpenApiParameter("team", int),
    OpenApiParameter("channel", str),
    OpenApiParameter("campaign", int),
    OpenApiParameter("group_by", str, enum=list(GROUPS)),
]


class KpiValuesView(APIView):
    """Figures for a person, a team or the brand over a period, with targets and tiers, or broken
    down by day, member, channel or campaign. People see themselves and the teams they lead.

    While a period is running, flows (GMV, adds …) are judged against `pace_target`, the share of
    the target due by today; `target` is always the whole period's."""

    read_capability = Capability.KPI_VIEW_OWN

    @extend_schema(parameters=_KPI_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        params = request.query_params
        registry = metrics_registry()
        codes = [c.strip() for c in params.get("metrics", "").split(",") if c.strip()]
        unknown = [c for c in codes if c not in registry]
        if not codes or unknown:
            message = (
                _("未知的指标代码：%(codes)s") % {"codes": ", ".join(unknown)} if unknown else _("请指定 metrics。")
            )
            raise ValidationError({"metrics": [message]})
        group = params.get("group_by") or None
        if group is not None and group not in GROUPS:
            raise ValidationError({"group_by": [_("只能按 %(groups)s 分组。") % {"groups": ", ".join(GROUPS)}]})
        today = brand_today(current_brand().time_zone)
        try:
            period = Period.from_params(params, today)
        except PeriodError as error:
            raise ValidationError({"period": [str(error)]}) from None
        focus = focus_from_params(request.auth or request.user, params)
        body = {
            "period": {"kind": period.kind, "start": period.start, "end": period.end},
            "scope": {"label": str(focus.label), "subject": focus.subject.kind, "id": focus.subject.pk},
        }
        if group is None:
            body["figures"] = [
                {
                    "metric": f.metric.code,
                    "actual": decimal_text(f.actual),
                    "target": decimal_text(f.target),
                    "pace_target": decimal_text(f.pace_target),
                    "achievement_pct": decimal_text(achievement_value(f.rate), 1),
                    "tier": f.tier,
                    "test_phase": f.test_phase,
                    "target_source": f.target_source,
                }
                for f in figures(
                    codes, subject=focus.subject, scope=focus.scope, period=period, registry=registry, today=today
                )
            ]
        else:
            table = metric_table(codes, focus.scope, period, group=group, registry=registry)
            body["rows"] = [
                {"key": key, "values": {c: decimal_text(v) for c, v in values.items()}}
                for key, values in sorted(table.items(), key=lambda kv: (kv[0] is None, str(kv[0])))
            ]
        return Response(body)


class ScorecardView(APIView):
    """A person's scorecards over a period (default: oneself, this month), one per role that has
    weights in the programme's stage: the same score the person page and the rep's home show.

    `score` is the weighted average of each KPI's achievement, each capped at `cap_pct`: 100 when
    every KPI is exactly on target. A line's `points` are its part of the score (the lines add up);
    a line without `points` does not count (no target, or a test-phase target below its line)."""

    read_capability = Capability.KPI_VIEW_OWN

    @extend_schema(
        parameters=[p for p in _KPI_PARAMETERS if p.name in ("period", "date", "start", "end", "member")],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        params = request.query_params
        today = brand_today(current_brand().time_zone)
        try:
            period = Period.from_params(params, today)
        except PeriodError as error:
            raise ValidationError({"period": [str(error)]}) from None
        if params.get("member") in (None, "") and request.auth is not None:
            raise ValidationError({"member": [_("用 API Key 调用时请指定 member。")]})
        focus = focus_from_params(request.auth or request.user, {"member": params.get("member") or request.user.pk})
        person, settings, registry = focus.member, kpi_settings(), metrics_registry()
        cards = [
            scorecard(person=person, role=role, period=period, registry=registry, settings=settings, today=today)
            for role in person.roles
        ]
        return Response(
            {
                "period": {"kind": period.kind, "start": period.start, "end": period.end},
                "member": person.pk,
                "stage": settings.stage,
                "scorecards": [_scorecard_json(card) for card in cards if card.lines],
            }
        )


def _scorecard_json(card) -> dict:
    return {
        "role": card.role,
        "score": decimal_text(card.score, 1),
        "cap_pct": decimal_text(card.cap, 1),
        "lines": [
            {
                "metric": line.figure.metric.code,
                "weight": decimal_text(line.weight),
                "actual": decimal_text(line.figure.actual),
                "target": decimal_text(line.figure.target),
                "pace_target": decimal_text(line.figure.pace_target),
                "achievement_pct": decimal_text(achievement_value(line.figure.rate), 1),
                "tier": line.figure.tier,
                "points": decimal_text(line.points, 1),
            }
            for line in card.lines
        ],
    }


# --- customers -----------------------------------------------------------------------------------


class CustomerFilters(serializers.Serializer):
    owner = serializers.IntegerField(min_value=1, required=False, help_text="The owning rep's id.")
    q = serializers.CharField(required=False, max_length=100, help_text="Part of the ref or name, or a tag.")


class CustomerSerializer(serializers.ModelSerializer):
    owner = ref_field("email")
    campaign = ref_field("code")

    class Meta:
        model = Customer
        fields = [
            "id",
            "ref",
            "name",
            "owner",
            "channel",
            "campaign",
            "tags",
            "joined_on",
            "left_on",
            "first_order_on",
            "last_order_on",
            "last_contact_on",
            "orders_count",
            "gmv_total",
        ]


class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Customers in the pool, built from events. People see their own and their teams' customers."""

    serializer_class = CustomerSerializer
    read_capability = Capability.KPI_VIEW_OWN

    def get_queryset(self):
        visibility = visibility_of(self.request.auth or self.request.user)
        filters = query_filters(CustomerFilters, self.request)
        return customer_selectors.customers_list(
            visibility=visibility, owner_id=filters.get("owner"), search=filters.get("q", "")
        )

    @extend_schema(parameters=[CustomerFilters])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_object(self):
        if not str(self.kwargs["pk"]).isdigit():
            raise NotFound  # an id that is not a number names no customer
        return visible_customer(self.request.auth or self.request.user, int(self.kwargs["pk"]))

    @extend_schema(responses={200: EventSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None, **kwargs):
        customer = self.get_object()
        page = self.paginate_queryset(customer_selectors.customer_events(customer))
        return self.get_paginated_response(EventSerializer(page, many=True).data)
