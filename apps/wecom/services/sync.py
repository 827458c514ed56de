"""A sync: the corp read into the brand in five steps (departments → teams, members → people,
every rep's external contacts → customers, customer groups, reps' behaviour data), each page
applied as it is read
and the step's cursor kept on the run, so a run that stopped (WeCom refused, the worker was
lost) continues where it was rather than starting over. Everything it applies is idempotent:
a second run changes only what changed in WeCom meanwhile.

WeCom's limits are kept by the client (rate limits waited out, tokens fetched again); a refusal
stops the run with WeCom's errcode and message on the step it happened in."""

from __future__ import annotations

import hashlib
from collections import Counter
from contextlib import contextmanager
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection as db
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.schemas import current_schema
from apps.tenants.selectors import current_brand
from apps.wecom import client
from apps.wecom.models import BehaviourDay, Connection, Follow, Member, SyncRun
from apps.wecom.services import behaviour
from apps.wecom.services.contacts import facts_of, follow_end, follows_store
from apps.wecom.services.directory import (
    departments_store,
    member_store,
    members_gone,
    team_ids_by_department,
    teams_align,
)
from apps.wecom.services.groups import group_store

STEPS = SyncRun.STEPS
REPS_PER_PAGE = 10  # batch/get_by_user takes up to 100 userids; 10 makes the progress bar move
CONTACTS_PER_PAGE = 100  # the most batch/get_by_user returns
GROUPS_PER_PAGE = 1000  # the most groupchat/list returns
LOST_AFTER = timedelta(minutes=5)  # a running run not touched for this long lost its worker
TRANSIENT = (None, -1)  # network trouble, or WeCom busy: worth trying again by itself


class SyncInterrupted(Exception):
    """A step stopped on something that may pass by itself; the task tries the run again."""


def sync_start(*, trigger: str) -> SyncRun:
    """A new run, queued (or the one already running: never two at once)."""
    running = SyncRun.objects.filter(status=SyncRun.Status.RUNNING).first()
    if running is not None:
        return running
    run = SyncRun.objects.create(
        trigger=trigger, step=STEPS[0], progress={step: {"done": 0, "total": 0} for step in STEPS}
    )
    _queue(run.pk)
    return run


def sync_resume(run: SyncRun) -> SyncRun:
    """Go on with a run that failed, from the step and page it stopped at."""
    if run.status != SyncRun.Status.FAILED or SyncRun.objects.filter(status=SyncRun.Status.RUNNING).exists():
        return run
    SyncRun.objects.filter(pk=run.pk).update(status=SyncRun.Status.RUNNING, finished_at=None)
    _queue(run.pk)
    run.refresh_from_db()
    return run


def sync_fail(run_id: int) -> None:
    """Tries ran out on a transient refusal: the run stops (it can be resumed from the page)."""
    SyncRun.objects.filter(pk=run_id, status=SyncRun.Status.RUNNING).update(
        status=SyncRun.Status.FAILED, finished_at=timezone.now()
    )


NIGHT_HOURS = 4  # the nightly sync starts within this many hours after WECOM_NIGHTLY_HOUR


def nightly_start_when_due() -> SyncRun | None:
    """Start tonight's sync once the brand's night has come, unless one ran tonight already."""
    time_zone = ZoneInfo(current_brand().time_zone)
    now = timezone.now().astimezone(time_zone)
    start = now.replace(hour=settings.WECOM_NIGHTLY_HOUR, minute=0, second=0, microsecond=0)
    if not start <= now < start + timedelta(hours=NIGHT_HOURS):
        return None
    if SyncRun.objects.filter(trigger=SyncRun.Trigger.NIGHTLY, started_at__gte=start).exists():
        return None
    return sync_start(trigger=SyncRun.Trigger.NIGHTLY)


def _queue(run_id: int) -> None:
    from apps.common.queue import send_on_commit_or_leave_to_sweep
    from apps.wecom import tasks

    send_on_commit_or_leave_to_sweep(tasks.sync_run, run_id)


def runs_lost() -> list[int]:
    """Runs still marked running that nobody has touched for a while: their worker is gone."""
    return list(
        SyncRun.objects.filter(status=SyncRun.Status.RUNNING, touched_at__lt=timezone.now() - LOST_AFTER).values_list(
            "pk", flat=True
        )
    )


class _Run:
    """A run being carried out: its record, kept up to date as pages are applied."""

    def __init__(self, run: SyncRun, connection: Connection):
        self.run, self.connection = run, connection
        self.counts: Counter = Counter(run.counts)
        self.clients = {kind: client.client_for(connection, kind) for kind in (client.APP, client.CONTACT)}

    def call(self, kind: str, method: str, path: str, **kwargs) -> dict:
        return client.call(self.clients[kind], method, path, **kwargs)

    def progress(self, step: str, **values) -> None:
        self.run.progress.setdefault(step, {}).update(values)
        self.save()

    def save(self, **fields) -> None:
        for name, value in fields.items():
            setattr(self.run, name, value)
        self.run.counts = dict(self.counts)
        self.run.save()

    def note(self, step: str, text: str) -> None:
        self.run.errors.append({"step": step, "errcode": None, "errmsg": text})


def sync_continue(run_id: int) -> SyncRun:
    """Carry a run on from where it is to its end (or to the refusal that stops it)."""
    run = SyncRun.objects.get(pk=run_id)
    if run.status != SyncRun.Status.RUNNING:
        return run
    connection = Connection.objects.get(pk=1)
    if not connection.active:
        run.status, run.finished_at = SyncRun.Status.FAILED, timezone.now()
        run.errors.append({"step": run.step, "errcode": None, "errmsg": _("连接已断开，同步停止。")})
        run.save()
        return run
    with _held(run_id) as held:
        if held:  # otherwise another worker is carrying it on (a run thought lost, queued twice)
            _carry_on(_Run(run, connection))
    return run


@contextmanager
def _held(run_id: int):
    """A lock on the run for as long as one worker carries it (PostgreSQL advisory locks are per
    database, so the key names the schema too)."""
    key = int.from_bytes(
        hashlib.sha256(f"{current_schema()}:wecom-sync:{run_id}".encode()).digest()[:8], "big", signed=True
    )
    with db.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with db.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def _carry_on(work: _Run) -> None:
    run = work.run
    for step in STEPS[STEPS.index(run.step or STEPS[0]) :]:
        work.save(step=step)
        try:
            _STEPS[step](work)
        except client.WecomError as error:
            run.errors.append({"step": step, "errcode": error.errcode, "errmsg": error.errmsg, "advice": error.advice})
            if error.errcode in TRANSIENT:  # still running: the task tries again from here
                work.save()
                raise SyncInterrupted(str(error)) from None
            work.save(status=SyncRun.Status.FAILED, finished_at=timezone.now())
            return
    work.save(status=SyncRun.Status.DONE, finished_at=timezone.now(), step="")


def _departments(work: _Run) -> None:
    rows = work.call(client.APP, "get", "department/list").get("department") or []
    with transaction.atomic():
        departments_store(rows, complete=True, counts=work.counts)
        errors: list[str] = []
        teams_align(work.counts, errors)
    for text in errors:
        work.note("departments", text)
    work.progress("departments", done=len(rows), total=len(rows))


def _members(work: _Run) -> None:
    rows = (
        work.call(client.APP, "get", "user/list", params={"department_id": 1, "fetch_child": 1}).get("userlist") or []
    )
    teams = team_ids_by_department()
    errors: list[str] = []
    for n, row in enumerate(rows, 1):
        member_store(row, counts=work.counts, errors=errors, teams=teams)
        if n % 50 == 0:
            work.progress("members", done=n, total=len(rows))
    members_gone({str(row["userid"]) for row in rows}, counts=work.counts, errors=errors)
    for text in errors:
        work.note("members", text)
    work.progress("members", done=len(rows), total=len(rows))


def _reps(work: _Run) -> list[str]:
    """The members with customer contact (客户联系) enabled: whose customers there are to read."""
    return sorted(work.call(client.CONTACT, "get", "externalcontact/get_follow_user_list").get("follow_user") or [])


def _tag_names(work: _Run) -> dict[str, str]:
    groups = work.call(client.CONTACT, "post", "externalcontact/get_corp_tag_list", data={}).get("tag_group") or []
    return {str(tag["id"]): str(tag["name"]) for group in groups for tag in group.get("tag") or []}


def _contacts(work: _Run) -> None:
    reps = _reps(work)
    tags = _tag_names(work)
    state = work.run.progress.get("contacts") or {}
    page, cursor = int(state.get("page") or 0), str(state.get("cursor") or "")
    pages = [reps[i : i + REPS_PER_PAGE] for i in range(0, len(reps), REPS_PER_PAGE)]
    work.progress("contacts", total=len(reps), done=min(page * REPS_PER_PAGE, len(reps)))
    while page < len(pages):
        answer = work.call(
            client.CONTACT,
            "post",
            "externalcontact/batch/get_by_user",
            data={"userid_list": pages[page], "cursor": cursor, "limit": CONTACTS_PER_PAGE},
        )
        facts = [
            facts_of(item.get("external_contact") or {}, item.get("follow_info") or {}, tags)
            for item in answer.get("external_contact_list") or []
        ]
        with transaction.atomic():
            follows_store(facts, work.counts, seen_in=work.run.pk)
            work.counts["contacts_read"] += len(facts)
            cursor = str(answer.get("next_cursor") or "")
            if not cursor:
                page += 1
            work.progress("contacts", page=page, cursor=cursor, done=min(page * REPS_PER_PAGE, len(reps)))
    _follows_gone(work, reps)


def _follows_gone(work: _Run, reps: list[str]) -> None:
    """Follows we hold that WeCom no longer lists (a deletion whose callback never came): ended,
    as the customer leaving, since who deleted whom is no longer known."""
    gone = Follow.objects.filter(
        userid__in=reps, removed_at__isnull=True, lost_at__isnull=True, added_at__lt=work.run.started_at
    ).exclude(seen_in=work.run.pk)
    now = timezone.now()
    for userid, external_userid in gone.values_list("userid", "contact__external_userid"):
        follow_end(userid, external_userid, by_rep=False, alert=False, at=now, counts=work.counts)
        work.counts["follows_gone"] += 1


def _groups(work: _Run) -> None:
    state = work.run.progress.get("groups") or {}
    ids: list[str] = list(state.get("ids") or [])
    if not state.get("listed"):
        cursor = ""
        while True:
            answer = work.call(
                client.CONTACT,
                "post",
                "externalcontact/groupchat/list",
                data={"status_filter": 0, "cursor": cursor, "limit": GROUPS_PER_PAGE},
            )
            ids.extend(str(g["chat_id"]) for g in answer.get("group_chat_list") or [])
            cursor = str(answer.get("next_cursor") or "")
            if not cursor:
                break
        work.progress("groups", ids=ids, listed=True, total=len(ids), done=0)
    for n in range(int(state.get("done") or 0), len(ids)):
        chat = work.call(client.CONTACT, "post", "externalcontact/groupchat/get", data={"chat_id": ids[n]})
        group_store(chat.get("group_chat") or {}, work.counts)
        work.progress("groups", done=n + 1)


def _behaviour(work: _Run) -> None:
    """Each rep's days since the last read, one rep and 30-day window a call (see behaviour.py)."""
    state = work.run.progress.get("behaviour") or {}
    if not state.get("first"):
        days = behaviour.days_to_read(today=behaviour.wecom_today())
        if days is None:
            work.progress("behaviour", done=0, total=0)
            return
        reps = dict(
            Member.objects.filter(userid__in=_reps(work), left_at__isnull=True)
            .order_by("userid")
            .values_list("userid", "person_id")
        )
        if not BehaviourDay.objects.exists():
            behaviour.scorecards_weigh_replies()
        state = {"first": days[0].isoformat(), "last": days[1].isoformat(), "reps": reps, "done": 0}
        work.progress("behaviour", **state, total=len(reps))
    reps, spans = (
        state["reps"],
        behaviour.windows(date.fromisoformat(state["first"]), date.fromisoformat(state["last"])),
    )
    userids = sorted(reps)
    for n in range(int(state.get("done") or 0), len(userids)):
        for start, end in spans:
            answer = work.call(
                client.CONTACT,
                "post",
                "externalcontact/get_user_behavior_data",
                data={"userid": [userids[n]], "start_time": start, "end_time": end},
            )
            work.counts["behaviour_days"] += behaviour.behaviour_store(
                reps[userids[n]], answer.get("behavior_data") or []
            )
        work.progress("behaviour", done=n + 1)


_STEPS = {
    "departments": _departments,
    "members": _members,
    "contacts": _contacts,
    "groups": _groups,
    "behaviour": _behaviour,
}
