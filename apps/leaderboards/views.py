"""Leaderboard pages: the standing boards and competitions (live, polled every second), the
competition set-up, history, and the wall display."""

from __future__ import annotations

import redis
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

from apps.common.views import ServiceActionView, ServiceFormView
from apps.kpis.periods import brand_today
from apps.kpis.selectors.metrics import metrics_registry
from apps.leaderboards import selectors, store
from apps.leaderboards.boards import STANDING_LABELS, STANDING_PERIODS, Status, competition_board, competition_status
from apps.leaderboards.forms import CompetitionForm, LeaderboardSettingsForm, ReasonForm, WallLinkForm
from apps.leaderboards.models import Competition, WallLink
from apps.leaderboards.services import competitions as services
from apps.leaderboards.services.settings import leaderboard_settings_update
from apps.leaderboards.services.walls import wall_link_create, wall_link_open, wall_link_revoke
from apps.organisation.permissions import CapabilityRequiredMixin
from apps.organisation.roles import Capability, can, role_labels

POLL_SECONDS = 1
TV_TOP = 10
TV_ROTATE_SECONDS = 20


class BoardMixin(CapabilityRequiredMixin):
    """A board page or its live fragment: which board, and the page as this viewer sees it."""

    required_capability = Capability.LEADERBOARDS_VIEW
    top = selectors.TOP
    for_wall = False

    @cached_property
    def time_zone(self) -> str:
        return self.request.tenant.time_zone

    @cached_property
    def today(self):
        return brand_today(self.time_zone)

    @cached_property
    def registry(self):
        return metrics_registry()

    def board_and_competition(self):
        raise NotImplementedError

    @cached_property
    def board_pair(self):
        """This request's board and competition, looked up once."""
        return self.board_and_competition()

    def live_url(self) -> str:
        raise NotImplementedError

    def page(self):
        board, competition = self.board_pair
        return selectors.board_page(
            board,
            viewer=self.request.user,
            metric=self.registry[board.metric],
            competition=competition,
            top=self.top,
            time_zone=self.time_zone,
            for_wall=self.for_wall,
        )

    def board_context(self) -> dict:
        page = self.page()
        return {
            "page": page,
            "live_url": self.live_url(),
            "poll_seconds": POLL_SECONDS,
            "wall": self.for_wall,
            "drill": can(self.request.user, Capability.KPI_VIEW_BRAND) and not self.for_wall,
            "currency": self.request.tenant.currency,
        }


class LiveFragmentMixin(BoardMixin):
    """htmx, every second: 204 (nothing to swap) while the board's version is the one shown.
    `?wall=1`: the wall display's version of the board."""

    @cached_property
    def for_wall(self) -> bool:
        return self.request.GET.get("wall") == "1"

    @property
    def top(self) -> int:
        return TV_TOP if self.for_wall else selectors.TOP

    def get_template_names(self):
        return ["leaderboards/_tv_board.html" if self.for_wall else "leaderboards/_board.html"]

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

    def live_url(self) -> str:
        metric, kind = self.metric_and_kind
        return reverse("leaderboards:standing_live", args=[metric, kind])


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

    def live_url(self) -> str:
        return reverse("leaderboards:competition_live", args=[self.competition.pk])


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
            changes=competition.changes.select_related("actor")[:20] if may_organise else [],
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
        status = competition_status(self.competition, timezone.now(), self.request.tenant.time_zone)
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
            kwargs["initial"] = {"starts_on": brand_today(self.request.tenant.time_zone)}
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


class TvView(CapabilityRequiredMixin, TemplateView):
    """Full screen, large type, no menus: rotates through the running competitions (or the
    standing boards when none runs) and keeps polling through network blips."""

    required_capability = Capability.LEADERBOARDS_VIEW
    template_name = "leaderboards/tv.html"

    def slide_url(self) -> str:
        return reverse("leaderboards:tv_slide")

    def get_context_data(self, **kwargs):
        return super().get_context_data(rotate_seconds=TV_ROTATE_SECONDS, slide_url=self.slide_url(), **kwargs)


class TvSlideView(BoardMixin, TemplateView):
    """htmx: the slide after `after` in the rotation (a competition board or a standing board)."""

    template_name = "leaderboards/_tv_slide.html"
    top = TV_TOP
    for_wall = True

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

    @cached_property
    def competition(self) -> Competition | None:
        if self.slide and self.slide.startswith("c:"):
            return Competition.objects.prefetch_related("prizes", "teams").get(pk=int(self.slide[2:]))
        return None

    def board_and_competition(self):
        if self.competition is not None:
            return competition_board(self.competition), self.competition
        _s, metric, kind = self.slide.split(":")
        return selectors.standing_board_of(metric, kind, self.today), None

    def live_url(self) -> str:
        if self.competition is not None:
            return reverse("leaderboards:competition_live", args=[self.competition.pk])
        _s, metric, kind = self.slide.split(":")
        return reverse("leaderboards:standing_live", args=[metric, kind])

    def slide_url(self) -> str:
        return reverse("leaderboards:tv_slide")

    def get_context_data(self, **kwargs):
        if self.slide is None:
            return super().get_context_data(
                slide=None, rotate_seconds=TV_ROTATE_SECONDS, slide_url=self.slide_url(), **kwargs
            )
        board_context = self.board_context()
        return super().get_context_data(
            slide=self.slide,
            competition=self.competition,
            period_label=STANDING_LABELS.get(self.slide.split(":")[-1]) if self.competition is None else None,
            rotate_seconds=TV_ROTATE_SECONDS,
            slide_count=len(self.slides),
            slide_url=self.slide_url(),
            **board_context,
            **kwargs,
        )


# --- the wall display opened by link (a shop-floor TV: nobody logged in) ------------------------


class WallLinkAccess:
    """The secret in the URL is the key: an unknown or revoked one is a 404. The viewer is nobody
    and the board is the room's view; the logged-in pages' capability check is not made (dispatch
    goes straight to the view), and these views reach nothing but the boards."""

    for_wall = True
    required_capability = None  # not checked: see dispatch

    def dispatch(self, request, *args, **kwargs):
        if wall_link_open(kwargs["secret"]) is None:
            raise Http404
        return View.dispatch(self, request, *args, **kwargs)

    def wall_url(self, name: str, *args) -> str:
        return reverse(f"leaderboards:{name}", args=[self.kwargs["secret"], *args])

    def slide_url(self) -> str:
        return self.wall_url("wall_slide")

    def standing_live_url(self, metric: str, kind: str) -> str:
        return self.wall_url("wall_standing_live", metric, kind)

    def competition_live_url(self, competition: Competition) -> str:
        return self.wall_url("wall_competition_live", competition.pk)


class WallView(WallLinkAccess, TvView):
    pass


class WallSlideView(WallLinkAccess, TvSlideView):
    def live_url(self) -> str:
        if self.competition is not None:
            return self.competition_live_url(self.competition)
        _s, metric, kind = self.slide.split(":")
        return self.standing_live_url(metric, kind)


class WallStandingLiveView(WallLinkAccess, StandingLiveView):
    def live_url(self) -> str:
        return self.standing_live_url(*self.metric_and_kind)


class WallCompetitionLiveView(WallLinkAccess, CompetitionLiveView):
    def live_url(self) -> str:
        return self.competition_live_url(self.competition)


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
