"""Probing brand B with brand A's ids: every page and endpoint that names an object answers 404
(never A's data) — the walk below fails when a new one is added without being probed here."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.brand_data.models import DataExport
from apps.brand_data.services.exports import export_build
from apps.compliance.services.messages import messages_ingest
from apps.compliance.services.rules import allow_phrase_add, rule_save
from apps.compliance.services.scanning import messages_scan
from apps.kpis.models import Campaign, Customer, CustomMetric, Target
from apps.kpis.services.imports import import_job_create
from apps.leaderboards.services.walls import wall_link_create
from apps.organisation.roles import Role
from apps.organisation.services import api_key_create
from apps.reports.models import DailyLog
from apps.reports.services.reports import report_generate
from apps.wecom.models import ChannelCode, SyncRun

# Parameters that do not name a brand's object.
NOT_OBJECTS = {"leaderboards:standing_live", "api:standing-board", "accounts:set_password"}


def _object_urls() -> dict[str, str]:
    """Every URL name whose pattern names an object, with that parameter's name."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                args = [a for a in pattern.pattern.regex.groupindex if a != "format"]
                if args:
                    yield namespace + pattern.name, args[0]

    return {
        name: arg
        for name, arg in walk(get_resolver("config.urls_tenant").url_patterns)
        if not name.startswith("brand_admin:") and name not in NOT_OBJECTS
    }


OBJECT_URLS = _object_urls()


def _alpha_objects(arena) -> dict:
    """One object of every kind, in alpha only."""
    yesterday = arena.today - timedelta(days=1)
    arena.ingest({**arena.order("r1", 99), "customer": "wm-alpha-only"})
    customer = Customer.objects.get(ref="wm-alpha-only")
    campaign = Campaign.objects.create(
        code="alpha-only", name="阿尔法活动", channel="wecom", starts_on=arena.today, ends_on=arena.today
    )
    target = Target.objects.create(
        person=arena.reps["r1"], metric="gmv", period_kind="month", period_start=arena.today.replace(day=1), value=1
    )
    metric = CustomMetric.objects.create(code="alpha_only", name="阿尔法指标", formula="gmv / orders")
    job = import_job_create(
        upload=SimpleUploadedFile("e.csv", b"external_id,kind,occurred_at\nx,order,2026-11-01T10:00:00+08:00\n"),
        user=arena.admin,
    )
    _result, stored = messages_ingest(
        items=[
            {
                "message_id": "probe-1",
                "conversation_id": "c",
                "rep": arena.reps["r1"].email,
                "customer": "wm-alpha-only",
                "direction": "rep_to_customer",
                "sent_at": arena.at().isoformat(),
                "text": "亲，私下转账给我更便宜",
            }
        ]
    )
    [violation] = messages_scan(message_ids=stored)
    rule = rule_save(
        rule=None,
        name="阿尔法规则",
        category="insult",
        severity="low",
        kind="keywords",
        keywords=["阿尔法专用词"],
        pattern="",
        exceptions=[],
        enabled=True,
    )
    phrase = allow_phrase_add(phrase="阿尔法白名单")
    key, _secret = api_key_create(name="阿尔法钥匙", roles=[Role.PRODUCT_OPS], created_by=None)
    competition = arena.competition(name="阿尔法比赛")
    report = report_generate(day=yesterday)
    log = DailyLog.objects.create(person=arena.reps["r1"], day=arena.today, done="阿尔法日志", plan="计划")
    export = export_build(export_id=DataExport.objects.create(requested_by=arena.admin).pk)
    wall_link, wall_secret = wall_link_create(name="阿尔法大屏", created_by=None)
    code = ChannelCode.objects.create(name="阿尔法活码", state="sy-alpha-only", config_id="cw-alpha-only")
    sync_run = SyncRun.objects.create(trigger=SyncRun.Trigger.BUTTON, status=SyncRun.Status.FAILED)
    return {
        "person": arena.reps["r1"].pk,
        "team": arena.teams["north"].pk,
        "customer": customer.pk,
        "campaign": campaign.pk,
        "target": target.pk,
        "metric": metric.pk,
        "job": job.pk,
        "violation": violation.pk,
        "rule": rule.pk,
        "phrase": phrase.pk,
        "key": key.prefix,
        "competition": competition.pk,
        "day": report.day.isoformat(),
        "log": log.pk,
        "export": export.pk,
        "wall_link": wall_link.pk,
        "wall_secret": wall_secret,
        "code": code.pk,
        "sync_run": sync_run.pk,
    }


KIND = {
    "brand_data:export_download": "export",
    "organisation:person_update": "person",
    "organisation:person_deactivate": "person",
    "organisation:person_reactivate": "person",
    "organisation:team_update": "team",
    "organisation:team_delete": "team",
    "organisation:api_key_revoke": "key",
    "kpis:team": "team",
    "kpis:person": "person",
    "kpis:customer": "customer",
    "kpis:campaign": "campaign",
    "kpis:campaign_update": "campaign",
    "kpis:campaign_delete": "campaign",
    "kpis:target_delete": "target",
    "kpis:metric_delete": "metric",
    "kpis:import": "job",
    "kpis:import_start": "job",
    "kpis:import_progress": "job",
    "kpis:import_errors": "job",
    "compliance:violation": "violation",
    "compliance:appeal": "violation",
    "compliance:rule_update": "rule",
    "compliance:rule_delete": "rule",
    "compliance:allow_delete": "phrase",
    "leaderboards:competition": "competition",
    "leaderboards:competition_live": "competition",
    "leaderboards:competition_update": "competition",
    "leaderboards:competition_delete": "competition",
    "leaderboards:competition_reopen": "competition",
    "leaderboards:wall_revoke": "wall_link",
    "leaderboards:wall": "wall_secret",
    "leaderboards:wall_slide": "wall_secret",
    "leaderboards:wall_standing_live": "wall_secret",
    "leaderboards:wall_competition_live": "wall_secret",
    "reports:report": "day",
    "reports:xlsx": "day",
    "reports:pdf": "day",
    "reports:regenerate": "day",
    "reports:comment": "log",
    "api:person-detail": "person",
    "api:person-deactivate": "person",
    "api:person-reactivate": "person",
    "api:team-detail": "team",
    "api:campaign-detail": "campaign",
    "api:target-detail": "target",
    "api:custom-metric-detail": "metric",
    "api:customer-detail": "customer",
    "api:customer-events": "customer",
    "api:compliance-rule-detail": "rule",
    "api:allow-phrase-detail": "phrase",
    "api:violation-detail": "violation",
    "api:violation-review": "violation",
    "api:violation-appeal": "violation",
    "api:competition-detail": "competition",
    "api:competition-board": "competition",
    "api:competition-changes": "competition",
    "api:competition-reopen": "competition",
    "api:report-detail": "day",
    "api:report-regenerate": "day",
    "api:daily-log-comments": "log",
    "wecom:code_edit": "code",
    "wecom:code_remove": "code",
    "wecom:code_image": "code",
    "wecom:sync_run": "sync_run",
    "wecom:sync_resume": "sync_run",
}


def test_every_object_url_is_probed():
    assert set(OBJECT_URLS) == set(KIND)


# URLs that name a second thing besides their object.
MORE_KWARGS = {
    "leaderboards:wall_standing_live": lambda ids: {"metric": "gmv", "kind": "day"},
    "leaderboards:wall_competition_live": lambda ids: {"pk": ids["competition"]},
}


def _path(name: str, ids: dict) -> str:
    kwargs = {OBJECT_URLS[name]: ids[KIND[name]], **MORE_KWARGS.get(name, lambda ids: {})(ids)}
    return reverse(name, urlconf="config.urls_tenant", kwargs=kwargs)


def test_brand_a_ids_on_brand_b_are_not_found(arena, beta):
    ids = _alpha_objects(arena)
    b_admin = beta.client("admin")
    alpha_words = ["阿尔法", "wm-alpha-only", "alpha-only"]
    for name in KIND:
        path = _path(name, ids)
        response = b_admin.get(path)
        if response.status_code == 405:  # an action: it must not find the object either
            response = b_admin.post(path, "{}", content_type="application/json")
        if response.status_code == 405:
            response = b_admin.delete(path)
        assert response.status_code == 404, (name, path, response.status_code)
        assert not any(word in response.content.decode(errors="ignore") for word in alpha_words), name
    # The same ids do answer on brand A: the probe is not vacuous.
    a_admin = arena.brand.client("admin")
    for name in (
        "kpis:customer",
        "compliance:violation",
        "leaderboards:competition",
        "leaderboards:wall",
        "leaderboards:wall_competition_live",
        "reports:report",
        "api:target-detail",
        "wecom:code_edit",
        "wecom:sync_run",
    ):
        assert a_admin.get(_path(name, ids)).status_code == 200, name
