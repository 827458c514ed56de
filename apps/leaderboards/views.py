"""Leaderboard pages: the standing boards and competitions (live, polled every second), the
competition set-up, history, and the wall display."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from apps.common.periods import brand_today
from apps.common.schemas import brand_of
from apps.kpis.selectors.metrics import metrics_registry
from apps.leaderboards import selectors, store
from apps.leaderboards.boards import (
    STANDING_LABELS,
    STANDING_PERIODS,
    Board,
    Status,
    competition_board,
    competition_status,
)
from apps.leaderboards.forms import CompetitionForm, LeaderboardSettingsForm, ReasonForm, WallLinkForm
from apps.leaderboards.models import Competition, WallLink
from apps.leaderboards.services import competitions as services
from apps.leaderboards.services.live import built_when_missing
from apps.leaderboards.services.settings import leaderboard_settings_update
from apps.leaderboards.services.walls import wall_link_create, wall_link_open, wall_link_revoke
from apps.organisation.permissions import CapabilityRequiredMixin, ServiceActionView, ServiceFormView
from apps.organisation.roles import Capability, can, role_labels

POLL_SECONDS = 1
TV_TOP = 10


@dataclass(frozen=True)
class Screen:
    """Who is watching a board: a person on their page, or a wall (the logged-in TV page, or a
    shop-floor TV opened by a wall link, whose secret is then the only key). The same views serve
    all three; the screen says how many rows, whether anyone's own place shows, and where polls go."""

    wall: bool = False
    secret: str | None = None  # a wall link's

    @property
    def top(self) -> int:
        return TV_TOP if self.wall else selectors.TOP

    def url(self, name: str, *args) -> str:
        """A board URL for this screen (a wall link's own URLs carry its secret)."""
        if self.secret is None:
            return reverse(f"leaderboards:{name}", args=args)
        return reverse(f"leaderboards:wall_{name.removeprefix('tv_')}", args=[self.secret, *args])


class BoardMixin(CapabilityRequiredMixin):
    """A board page or its live fragment: which board, the screen watching it, and the page as
    that screen shows it. With a wall link's secret in the URL the secret is checked instead of
    a capability (an unknown or revoked one is a 404) and the viewer is nobody."""

    required_capability = Capability.LEADERBOARDS_VIEW
    always_wall = False  # the TV pages; the live fragments are walls when asked (?wall=1)

    def dispatch(self, request, *args, **kwargs):
        if "secret" not in kwargs:
            return super().dispatch(request, *args, **kwargs)
        if wall_link_open(kwargs["secret"]) is None:
            raise Http404
        return View.dispatch(self, request, *args, **kwargs)

    @cached_property
    def screen(self) -> Screen:
        secret = self.kwargs.get("secret")
        wall = self.always_wall or secret is not None or self.request.GET.get("wall") == "1"
        return Screen(wall=wall, secret=secret)

    @cached_property
    def time_zone(self) -> str:
        return brand_of(self.request).time_zone

    @cached_property
    def today(self):
        return brand_today(self.time_zone)

    @cached_property
    def registry(self):
        return metrics_registry()

    def board_and_competition(self) -> tuple[Board, Competition | None]:
        raise NotImplementedError

    @cached_property
    def board_pair(self) -> tuple[Board, Competition | None]:
        """This request's board and competition, looked up once."""
        return self.board_and_competition()

    def live_url(self) -> str:
        board, competition = self.board_pair
        if competition is not None:
            return self.screen.url("competition_live", competition.pk)
        _s, metric, kind, _start = board.key.split(":")
        return self.screen.url("standing_live", metric, kind)

    def page(self):
        board, competition = self.board_pair
        return built_when_missing(
            selectors.board_page(
                board,
                viewer=None if self.screen.secret else self.request.user,
                metric=self.registry[board.metric],
                competition=competition,
                top=self.screen.top,
                time_zone=self.time_zone,
                for_wall=self.screen.wall,
            )
        )

    def board_context(self) -> dict:
        page = self.page()
        return {
            "page": page,
            "live_url": self.live_url(),
            "poll_seconds": POLL_SECONDS,
            "wall": self.screen.wall,
            "drill": not self.screen.wall and can(self.request.user, Capability.KPI_VIEW_BRAND),
            "currency": brand_of(self.request).currency,
        }


class LiveFragmentMixin(BoardMixin):
    """htmx, every second: 204 (nothing to swap) while the board's version is the one shown."""

    def get_template_names(self):
        return ["leaderboards/_tv_board.html" if self.screen.wall else "leaderboards/_board.html"]

    def get(self, request, *args, **kwargs):
        board, _competition = self.board_pair
        since = request.GET.get("since", "")
        try:
            current = store.version(board.key)
        except redis.RedisError:  # render from PostgreSQL below
            current = None
        if current is not None and since == str(current):
            return HttpResponse(status=204)
        return self.render_to_response(self.board_context())

    def get_context_data(self, **kwargs):
        return kwargs


# --- standing boards --------------------------------------------------------------------------


class StandingMixin(BoardMixin):
    @cached_property
    def metric_and_kind(self) -> tuple[str, str]:
        settings = selectors.leaderboard_settings()
        metrics = [code for code in settings.metrics if code in self.registry]
        metric = self.kwargs.get("metric") or self.request.GET.get("metric") or (metrics[0] if metrics else "gmv")
        kind = self.kwargs.get("kind") or self.request.GET.get("period") or "day"
        if metric not in metrics or kind not in STANDING_PERIODS:
            raise Http404
        return metric, kind

    def board_and_competition(self):
        metric, kind = self.metric_and_kind
        return selectors.standing_board_of(metric, kind, self.today), None


class LeaderboardsView(StandingMixin, TemplateView):
    """The landing page: a standing board (today / this week / this month, one metric a tab) and
    the competitions on now or coming."""

    template_name = "leaderboards/index.html"

    def get_context_data(self, **kwargs):
        metric, kind = self.metric_and_kind
        settings = selectors.leaderboard_settings()
        return super().get_context_data(
            metric=metric,
            kind=kind,
            metric_tabs=[(code, self.registry[code].name) for code in settings.metrics if code in self.registry],
            period_tabs=[(k, STANDING_LABELS[k]) for k in STANDING_PERIODS],
            competitions=selectors.competitions_current(self.today, self.time_zone),
            can_organise=can(self.request.user, Capability.COMPETITIONS_MANAGE),
            **self.board_context(),
            **kwargs,
        )


class StandingLiveView(StandingMixin, LiveFragmentMixin, TemplateView):
    pass


# --- competitions -----------------------------------------------------------------------------


class CompetitionMixin(BoardMixin):
    @cached_property
    def competition(self) -> Competition:
        return get_object_or_404(Competition.objects.prefetch_related("prizes", "teams"), pk=self.kwargs["pk"])

    def board_and_competition(self):
        if self.competition.metric not in self.registry:  # a custom metric deleted since
            raise Http404
        return competition_board(self.competition), self.competition


class CompetitionView(CompetitionMixin, TemplateView):
    """The rules (public from the moment it is set up), the prizes, the live board, one's place."""

    template_name = "leaderboards/competition.html"

    def get_context_data(self, **kwargs):
        competition = self.competition
        user = self.request.user
        status = competition_status(competition, timezone.now(), self.time_zone)
        may_organise = can(user, Capability.COMPETITIONS_MANAGE)
        return super().get_context_data(
            competition=competition,
            status=status,
            status_label=Status.LABELS[status],
            metric=self.registry.get(competition.metric),
            roles=role_labels(competition.participant_roles),
            can_edit=(may_organise and status == Status.UPCOMING)
            or (can(user, Capability.COMPETITIONS_OVERRIDE) and status != Status.CLOSED),
            can_delete=may_organise and status == Status.UPCOMING,
            can_reopen=can(user, Capability.COMPETITIONS_OVERRIDE) and status == Status.CLOSED,
            changes=[
                (change, selectors.change_lines(change, self.registry))
                for change in (competition.changes.select_related("actor")[:20] if may_organise else [])
            ],
            **self.board_context(),
            **kwargs,
        )


class CompetitionLiveView(CompetitionMixin, LiveFragmentMixin, TemplateView):
    pass


class CompetitionFormView(ServiceFormView):
    required_capability = Capability.COMPETITIONS_MANAGE
    template_name = "leaderboards/competition_form.html"
    form_class = CompetitionForm

    @cached_property
    def competition(self) -> Competition | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(Competition.objects.prefetch_related("prizes", "teams"), pk=self.kwargs["pk"])

    @cached_property
    def started(self) -> bool:
        if self.competition is None:
            return False
        status = competition_status(self.competition, timezone.now(), brand_of(self.request).time_zone)
        if status == Status.CLOSED:
            raise PermissionDenied
        return status != Status.UPCOMING

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.started:
            kwargs["reason"] = "required"
        elif self.competition is None and can(self.request.user, Capability.COMPETITIONS_OVERRIDE):
            kwargs["reason"] = "backdating"
        if self.competition is not None and self.request.method == "GET":
            kwargs["initial"] = CompetitionForm.initial_for(self.competition)
        if self.competition is None and self.request.method == "GET":
            kwargs["initial"] = {"starts_on": brand_today(brand_of(self.request).time_zone)}
        return kwargs

    def get(self, request, *args, **kwargs):
        if self.started and not can(request.user, Capability.COMPETITIONS_OVERRIDE):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(competition=self.competition, started=self.started, **kwargs)

    def perform(self, form):
        competition = services.competition_save(
            actor=self.request.user, competition=self.competition, **form.service_arguments()
        )
        messages.success(self.request, _("比赛“%(name)s”已保存。") % {"name": competition.name})
        return redirect("leaderboards:competition", competition.pk)


class CompetitionDeleteView(ServiceActionView):
    required_capability = Capability.COMPETITIONS_MANAGE
    success_url = "leaderboards:index"

    def get_object(self):
        return get_object_or_404(Competition, pk=self.kwargs["pk"])

    def perform(self, competition):
        services.competition_delete(competition=competition, actor=self.request.user)
        return _("已删除比赛“%(name)s”。") % {"name": competition.name}


class CompetitionReopenView(ServiceFormView):
    required_capability = Capability.COMPETITIONS_OVERRIDE
    template_name = "leaderboards/reopen.html"
    form_class = ReasonForm

    @cached_property
    def competition(self) -> Competition:
        return get_object_or_404(Competition, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(competition=self.competition, **kwargs)

    def perform(self, form):
        services.competition_reopen(competition=self.competition, actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("比赛已重新开放：迟到的数据会计入，成绩将在下一次结算时重新冻结。"))
        return redirect("leaderboards:competition", self.competition.pk)


class LeaderboardSettingsView(ServiceFormView):
    required_capability = Capability.COMPETITIONS_MANAGE
    template_name = "leaderboards/settings.html"
    form_class = LeaderboardSettingsForm

    def get_initial(self):
        settings = selectors.leaderboard_settings()
        return {"metrics": settings.metrics, "roles": settings.roles, "show_amounts": settings.show_amounts}

    def perform(self, form):
        leaderboard_settings_update(**form.cleaned_data)
        messages.success(self.request, _("常设榜设置已保存。"))
        return redirect("leaderboards:index")


class HistoryView(CapabilityRequiredMixin, TemplateView):
    required_capability = Capability.LEADERBOARDS_VIEW
    template_name = "leaderboards/history.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            competitions=selectors.competitions_history(), registry=metrics_registry(), **kwargs
        )


# --- the wall display -------------------------------------------------------------------------


class TvView(BoardMixin, TemplateView):
    """Full screen, large type, no menus: rotates through the running competitions (or the
    standing boards when none runs) and keeps polling through network blips."""

    template_name = "leaderboards/tv.html"
    always_wall = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rotate_seconds=settings.TV_ROTATE_SECONDS, slide_url=self.screen.url("tv_slide"), **kwargs
        )


class TvSlideView(BoardMixin, TemplateView):
    """htmx: the slide after `after` in the rotation (a competition board or a standing board)."""

    template_name = "leaderboards/_tv_slide.html"
    always_wall = True

    @cached_property
    def slides(self) -> list[str]:
        keys = [f"c:{c.pk}" for c in selectors.running_boards_for_tv(self.today) if c.metric in self.registry]
        if not keys:
            settings = selectors.leaderboard_settings()
            keys = [f"s:{m}:{k}" for m in settings.metrics if m in self.registry for k in ("day", "month")]
        return keys

    @cached_property
    def slide(self) -> str | None:
        if not self.slides:
            return None
        after = self.request.GET.get("after", "")
        index = self.slides.index(after) + 1 if after in self.slides else 0
        return self.slides[index % len(self.slides)]

    def board_and_competition(self):
        assert self.slide is not None  # asked only when there is a slide
        if self.slide.startswith("c:"):
            competition = Competition.objects.prefetch_related("prizes", "teams").get(pk=int(self.slide[2:]))
            return competition_board(competition), competition
        _s, metric, kind = self.slide.split(":")
        return selectors.standing_board_of(metric, kind, self.today), None

    def get_context_data(self, **kwargs):
        common = {"rotate_seconds": settings.TV_ROTATE_SECONDS, "slide_url": self.screen.url("tv_slide")}
        if self.slide is None:
            return super().get_context_data(slide=None, **common, **kwargs)
        _board, competition = self.board_pair
        return super().get_context_data(
            slide=self.slide,
            competition=competition,
            period_label=STANDING_LABELS.get(self.slide.split(":")[-1]) if competition is None else None,
            slide_count=len(self.slides),
            **common,
            **self.board_context(),
            **kwargs,
        )


class WallLinksView(ServiceFormView):
    """Make a link for a screen (its address shown once), see when each screen last asked, revoke."""

    required_capability = Capability.COMPETITIONS_MANAGE
    template_name = "leaderboards/walls.html"
    form_class = WallLinkForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(links=WallLink.objects.select_related("created_by"), **kwargs)

    def perform(self, form):
        link, secret = wall_link_create(name=form.cleaned_data["name"], created_by=self.request.user)
        address = self.request.build_absolute_uri(reverse("leaderboards:wall", args=[secret]))
        return self.render_to_response(self.get_context_data(form=WallLinkForm(), new_link=link, address=address))


class WallLinkRevokeView(ServiceActionView):
    required_capability = Capability.COMPETITIONS_MANAGE
    success_url = "leaderboards:walls"

    def get_object(self):
        return get_object_or_404(WallLink, pk=self.kwargs["pk"])

    def perform(self, link) -> str:
        wall_link_revoke(link=link)
        return _("已停用 %(name)s：那块屏幕下一次刷新时关闭。") % {"name": link.name}
