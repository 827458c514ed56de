"""The leaderboards API: competitions (rules, prizes, changes, reopen) and boards (top N and the
caller's own place), the same as the pages show."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.api import ref_field
from apps.common.formatting import decimal_text
from apps.common.periods import brand_today
from apps.kpis.selectors.metrics import metrics_registry
from apps.leaderboards import selectors
from apps.leaderboards.boards import STANDING_PERIODS, Status, competition_board, competition_status
from apps.leaderboards.models import Competition, CompetitionChange, Prize
from apps.leaderboards.services import competitions as services
from apps.leaderboards.services.competitions import RULE_FIELDS, PrizeSpec
from apps.leaderboards.services.live import built_when_missing
from apps.organisation.models import Team
from apps.organisation.roles import Capability, Role
from apps.tenants.selectors import current_brand

User = get_user_model()
MAX_TOP = 200


class PrizeSerializer(serializers.Serializer):
    rank_from = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    rank_to = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    tier = serializers.ChoiceField(choices=Prize.Tier.choices, required=False, allow_blank=True, default="")
    label = serializers.CharField(max_length=100)  # type: ignore[assignment]  # a field named like Field.label


class CompetitionSerializer(serializers.ModelSerializer):
    teams = serializers.PrimaryKeyRelatedField(many=True, queryset=Team.objects.all(), required=False)
    participant_roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), min_length=1)
    lower_is_better = serializers.BooleanField(required=False, help_text="Defaults to the metric's own direction.")
    prizes = PrizeSerializer(many=True, required=False)
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, help_text="Required to change a started competition."
    )
    status = serializers.SerializerMethodField()

    class Meta:
        model = Competition
        fields = ["id", *RULE_FIELDS, "teams", "prizes", "status", "frozen_at", "reason"]
        read_only_fields = ["id", "frozen_at"]

    def get_status(self, competition) -> str:
        return competition_status(competition, timezone.now(), current_brand().time_zone)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["prizes"] = PrizeSerializer(instance.prizes.all(), many=True).data
        return data


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ChangeSerializer(serializers.ModelSerializer):
    actor = ref_field("email")

    class Meta:
        model = CompetitionChange
        fields = ["at", "action", "actor", "reason", "diff"]


class RowSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    rank = serializers.IntegerField(allow_null=True, help_text="null: below the qualifying line")
    id = serializers.IntegerField(help_text="The person, or the team in team-vs-team.")
    name = serializers.CharField()
    team = serializers.CharField()
    value = serializers.CharField(allow_null=True, help_text="null when the organiser hides amounts")
    tier = serializers.CharField(allow_null=True)
    prizes = serializers.ListField(child=serializers.CharField())


class MineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rank = serializers.IntegerField(allow_null=True)
    value = serializers.CharField(allow_null=True)
    qualified = serializers.BooleanField()
    next_rank = serializers.IntegerField(allow_null=True)
    gap_next = serializers.CharField(allow_null=True)
    in_prizes = serializers.BooleanField()
    gap_prize = serializers.CharField(allow_null=True)
    gap_qualify = serializers.CharField(allow_null=True)
    tier = serializers.CharField(allow_null=True)
    next_tier = serializers.CharField(allow_null=True)
    gap_tier = serializers.CharField(allow_null=True)
    prizes = serializers.ListField(child=serializers.CharField())


class BoardSerializer(serializers.Serializer):
    metric = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    status = serializers.ChoiceField(choices=list(Status.LABELS))
    lower_is_better = serializers.BooleanField()
    by_team = serializers.BooleanField()
    participants = serializers.IntegerField()
    on_board = serializers.IntegerField()
    qualified = serializers.IntegerField()
    prize_rank = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField(help_text="Changes whenever the board does.")
    rows = RowSerializer(many=True)
    me = MineSerializer(allow_null=True)


def _board_body(page) -> dict:
    def shown(row):
        return page.show_amounts or row.is_viewer

    mine = page.mine
    return {
        "metric": page.board.metric,
        "start": page.board.period.start,
        "end": page.board.period.end,
        "status": page.status,
        "lower_is_better": page.board.lower_is_better,
        "by_team": page.board.by_team,
        "participants": page.field_size,
        "on_board": page.on_board,
        "qualified": page.qualified,
        "prize_rank": page.prize_rank,
        "version": page.version,
        "rows": [
            {
                "position": row.position,
                "rank": row.rank,
                "id": row.subject_id,
                "name": row.name,
                "team": row.team_name,
                "value": decimal_text(row.value) if shown(row) else None,
                "tier": row.tier,
                "prizes": row.prizes,
            }
            for row in page.rows
        ],
        "me": None
        if mine is None
        else {
            "id": mine.subject_id,
            "rank": mine.rank,
            "value": decimal_text(mine.value),
            "qualified": mine.qualified,
            "next_rank": mine.next_rank,
            "gap_next": decimal_text(mine.gap_next),
            "in_prizes": mine.in_prizes,
            "gap_prize": decimal_text(mine.gap_prize),
            "gap_qualify": decimal_text(mine.gap_qualify),
            "tier": mine.tier,
            "next_tier": mine.next_tier,
            "gap_tier": decimal_text(mine.gap_tier),
            "prizes": mine.prizes,
        },
    }


def _actor(request):
    """The person calling, or the integration's key (whose roles decide what it may do)."""
    return request.user if isinstance(request.user, User) else request.auth


def _top(request) -> int:
    raw = request.query_params.get("top", str(selectors.TOP))
    if not raw.isdigit() or not 0 <= int(raw) <= MAX_TOP:
        raise ValidationError({"top": [_("top 应为 0 到 %(max)d 之间的整数。") % {"max": MAX_TOP}]})
    return int(raw)


_TOP = OpenApiParameter("top", int, description=f"How many from the top (0–{MAX_TOP}, default {selectors.TOP}).")


def _page(request, board, competition=None):
    time_zone = current_brand().time_zone
    viewer = request.user if isinstance(request.user, User) else None
    return built_when_missing(
        selectors.board_page(
            board,
            viewer=viewer,
            metric=metrics_registry()[board.metric],
            competition=competition,
            top=_top(request),
            time_zone=time_zone,
            for_wall=viewer is None,
        )
    )


class CompetitionViewSet(viewsets.ModelViewSet):
    """Competitions: one metric over brand-local days, ranked among people or teams, with prizes
    per rank range or per achievement tier. Rules are public from creation; once a competition
    has started only a brand admin may change them, giving a `reason` that is logged."""

    serializer_class = CompetitionSerializer
    queryset = Competition.objects.prefetch_related("teams", "prizes").order_by("-starts_on", "pk")
    read_capability = Capability.LEADERBOARDS_VIEW
    write_capability = Capability.COMPETITIONS_MANAGE

    def _save(self, serializer, competition=None):
        data = dict(serializer.validated_data)
        teams = data.pop("teams", None)
        prizes = data.pop("prizes", None)
        reason = data.pop("reason", "")
        if competition is None:  # unmentioned rules take the model's defaults (direction: the metric's)
            defaults = Competition()
            data = {name: getattr(defaults, name) for name in RULE_FIELDS if name != "lower_is_better"} | data
        else:  # a PATCH keeps what it does not mention
            data = {name: getattr(competition, name) for name in RULE_FIELDS} | data
            teams = list(competition.teams.all()) if teams is None else teams
            prizes = [PrizeSpec.of(p) for p in competition.prizes.all()] if prizes is None else prizes
        prizes = [p if isinstance(p, PrizeSpec) else PrizeSpec(**p) for p in prizes or []]
        serializer.instance = services.competition_save(
            actor=_actor(self.request),
            competition=competition,
            data=data,
            teams=list(teams or []),
            prizes=prizes,
            reason=reason,
        )

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        services.competition_delete(competition=instance, actor=_actor(self.request))

    @extend_schema(request=ReasonSerializer, responses=CompetitionSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None, **kwargs):
        """Unfreeze a closed competition (brand admin, with a reason): late data counts again."""
        target = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        competition = services.competition_reopen(competition=target, actor=_actor(request), **body.validated_data)
        return Response(CompetitionSerializer(competition, context={"request": request}).data)

    @extend_schema(parameters=[_TOP], responses=BoardSerializer)
    @action(detail=True, methods=["get"])
    def board(self, request, pk=None, **kwargs):
        """The live (or frozen) board: top N, and the caller's own rank and gaps."""
        competition = self.get_object()
        if competition.metric not in metrics_registry():
            raise NotFound(_("比赛的指标已被删除。"))
        return Response(_board_body(_page(request, competition_board(competition), competition)))

    @extend_schema(responses=ChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def changes(self, request, pk=None, **kwargs):
        """Every change to the rules, each close and reopen, with who, when and why (paginated)."""
        page = self.paginate_queryset(self.get_object().changes.select_related("actor"))
        return self.get_paginated_response(ChangeSerializer(page, many=True).data)


class StandingBoardView(APIView):
    """A standing board: today, this week or this month, for one of the brand's headline metrics."""

    read_capability = Capability.LEADERBOARDS_VIEW

    @extend_schema(parameters=[_TOP], responses=BoardSerializer)
    def get(self, request, metric: str, period: str, **kwargs):
        settings = selectors.leaderboard_settings()
        if metric not in settings.metrics or metric not in metrics_registry() or period not in STANDING_PERIODS:
            raise NotFound(_("没有这个常设榜。"))
        today = brand_today(current_brand().time_zone)
        return Response(_board_body(_page(request, selectors.standing_board_of(metric, period, today))))
