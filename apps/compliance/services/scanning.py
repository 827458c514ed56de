"""Messages scanned against the brand's rules; hits become violations, once per rule and message.

Each brand's compiled rule set is cached per process and rebuilt when the brand's rules version
changes (every rule or allow-list change bumps it in the same transaction).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.common.request_memo import per_request
from apps.common.schemas import current_schema
from apps.compliance.engine import RuleSet, RuleSpec
from apps.compliance.models import SEVERITY_RANK, AllowPhrase, ComplianceSettings, Message, Rule, Violation

_DIRECTIONS: dict[str, str] = {Message.Direction.REP_TO_CUSTOMER: "rep", Message.Direction.CUSTOMER_TO_REP: "customer"}
_cache: dict[str, tuple[int, RuleSet]] = {}


@per_request
def compliance_settings() -> ComplianceSettings:
    return ComplianceSettings.objects.get(pk=1)  # made with the brand (a data migration in the template)


def rule_spec(rule: Rule) -> RuleSpec:
    return RuleSpec(
        id=rule.pk or 0,
        name=rule.name,
        category=rule.category,
        severity=rule.severity,
        kind=rule.kind,
        keywords=tuple(rule.keywords),
        exceptions=tuple(rule.exceptions),
        pattern=rule.pattern,
        detector=rule.detector,
        applies_to=rule.applies_to,
        skip_negated=rule.skip_negated,
    )


def ruleset_build(rules=None) -> RuleSet:
    rules = Rule.objects.filter(enabled=True) if rules is None else rules
    return RuleSet([rule_spec(rule) for rule in rules], list(AllowPhrase.objects.values_list("phrase", flat=True)))


def ruleset_current() -> RuleSet:
    version = compliance_settings().rules_version
    cached = _cache.get(current_schema())
    if cached is None or cached[0] != version:
        cached = (version, ruleset_build())
        _cache[current_schema()] = cached
    return cached[1]


def rules_changed() -> None:
    """Call in the transaction that changed rules or the allow list: every process recompiles."""
    compliance_settings()
    ComplianceSettings.objects.filter(pk=1).update(rules_version=F("rules_version") + 1)


@transaction.atomic
def messages_scan(*, message_ids) -> list[Violation]:
    """Scan the given messages not scanned yet; return the violations found.

    Messages are locked (SKIP LOCKED), so two workers never scan the same one, and marked scanned
    in the same transaction as their violations: a task retried after a crash finds nothing left.
    """
    messages = list(
        Message.objects.select_for_update(skip_locked=True)
        .filter(pk__in=message_ids, scanned_at__isnull=True)
        .order_by("pk")
    )
    if not messages:
        return []
    found = ruleset_current().scan_many([m.text for m in messages], [_DIRECTIONS[m.direction] for m in messages])
    violations = []
    for message, hits in zip(messages, found, strict=True):
        for hit in hits:
            violations.append(
                Violation(
                    message=message,
                    rule_id=hit.rule.id,
                    rep_id=message.rep_id,
                    day=message.day,
                    category=hit.rule.category,
                    severity=hit.rule.severity,
                    matched_text=hit.matched[:200],
                    start=hit.start,
                    end=hit.end,
                    reason=hit.reason[:300],
                )
            )
    created = Violation.objects.bulk_create(violations)
    Message.objects.filter(pk__in=[m.pk for m in messages]).update(scanned_at=timezone.now())
    return created


def messages_unscanned(*, older_than_seconds: int = 30, limit: int = 5000) -> list[int]:
    """Messages a lost task left behind, for the periodic sweep."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        Message.objects.filter(scanned_at__isnull=True, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def worth_notifying(violation: Violation, settings: ComplianceSettings) -> bool:
    return (
        bool(settings.webhook_url) and SEVERITY_RANK[violation.severity] >= SEVERITY_RANK[settings.webhook_min_severity]
    )
