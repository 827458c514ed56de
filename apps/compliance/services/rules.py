"""Writes on rules and the allow list. Every change bumps the rules version in its transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.compliance.engine import keyword_skeleton, pattern_error
from apps.compliance.industry_packs import COMPETITORS, PROMISES
from apps.compliance.models import AllowPhrase, Category, ComplianceSettings, Rule
from apps.compliance.services.scanning import compliance_settings, rules_changed
from apps.tenants.models import Industry

MAX_WORDS = 2000
FIELDS = (
    "name",
    "category",
    "severity",
    "kind",
    "keywords",
    "exceptions",
    "pattern",
    "detector",
    "applies_to",
    "skip_negated",
    "enabled",
    "description",
)


def _words(values) -> list[str]:
    """Keywords as typed, one per entry, blanks and repeats dropped."""
    words = [value.strip() for value in values or () if value and value.strip()]
    return list(dict.fromkeys(words))


def _validate(rule: Rule) -> None:
    errors = {}
    rule.keywords, rule.exceptions = _words(rule.keywords), _words(rule.exceptions)
    if len(rule.keywords) > MAX_WORDS:
        errors["keywords"] = _("一条规则最多 %(n)d 个关键词。") % {"n": MAX_WORDS}
    empty = [word for word in rule.keywords if not keyword_skeleton(word)]
    if empty:
        errors["keywords"] = _("这些关键词只有符号，无法匹配：%(words)s") % {"words": "、".join(empty)}
    if rule.kind == Rule.Kind.PATTERN:
        if not rule.pattern:
            errors["pattern"] = _("请填写正则表达式。")
        elif reason := pattern_error(rule.pattern):
            errors["pattern"] = _("正则表达式无效：%(reason)s") % {"reason": reason}
    if rule.kind == Rule.Kind.DETECTOR and rule.detector not in Rule.Detector.values:
        errors["detector"] = _("请选择一种内置检测。")
    if errors:
        raise ValidationError(errors)
    rule.full_clean()


@transaction.atomic
def rule_save(*, rule: Rule | None = None, **fields) -> Rule:
    rule = rule or Rule()
    for name, value in fields.items():
        if name in FIELDS:
            setattr(rule, name, value)
    _validate(rule)
    rule.save()
    rules_changed()
    return rule


@transaction.atomic
def rule_delete(*, rule: Rule) -> None:
    if rule.violations.exists():
        raise ValidationError(_("这条规则已有违规记录，不能删除；可以停用它。"))
    rule.delete()
    rules_changed()


@transaction.atomic
def allow_phrase_add(*, phrase: str, note: str = "") -> AllowPhrase:
    phrase = phrase.strip()
    if not keyword_skeleton(phrase):
        raise ValidationError({"phrase": _("白名单短语不能只有符号。")})
    if AllowPhrase.objects.filter(phrase=phrase).exists():
        raise ValidationError({"phrase": _("白名单里已经有这个短语。")})
    allowed = AllowPhrase.objects.create(phrase=phrase, note=note.strip())
    rules_changed()
    return allowed


@transaction.atomic
def allow_phrase_delete(*, phrase: AllowPhrase) -> None:
    phrase.delete()
    rules_changed()


@transaction.atomic
def compliance_settings_update(*, webhook_url: str, webhook_min_severity: str) -> ComplianceSettings:
    settings = compliance_settings()
    settings.webhook_url, settings.webhook_min_severity = webhook_url.strip(), webhook_min_severity
    settings.full_clean()
    settings.save(update_fields=["webhook_url", "webhook_min_severity"])
    return settings


@transaction.atomic
def industry_pack_apply(*, industry: str, brand_name: str) -> None:
    """A new brand's starter additions for its industry: its competitors on the competitor rule
    (never the brand's own name) and a rule for the promises its industry may not make."""
    if industry not in Industry.values:
        raise ValidationError({"industry": _("未知行业。")})
    own = keyword_skeleton(brand_name)
    competitors = [name for name in COMPETITORS[industry] if keyword_skeleton(name) not in own]
    rule = Rule.objects.filter(category=Category.COMPETITOR).order_by("pk").first()
    if rule is not None and competitors:
        rule.keywords = list(dict.fromkeys([*rule.keywords, *competitors]))
        rule.save(update_fields=["keywords"])
    if industry in PROMISES:
        name, keywords, description = PROMISES[industry]
        Rule.objects.get_or_create(
            name=name,
            defaults={
                "category": Category.FORBIDDEN_PROMISE,
                "severity": "high",
                "kind": "keywords",
                "applies_to": "rep",
                "skip_negated": True,
                "keywords": keywords,
                "description": description,
            },
        )
    rules_changed()
