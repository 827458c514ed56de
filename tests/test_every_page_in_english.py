"""Every page a person of each role opens reads in English when they pick English: no Chinese
from the catalogue left untranslated, no full-width punctuation around it, no raw field codes;
and the templates put no words or punctuation outside a translation tag."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import get_resolver

from tests.test_translations import _entries
from tests.test_url_probe import _routes

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
TEXT_OUTSIDE_TAGS = re.compile(
    r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}"
    r"|\{%\s*blocktranslate.*?%\}.*?\{%\s*endblocktranslate\s*%\}"
    r"|\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}",
    re.S,
)
BILINGUAL = {"500.html", "503.html"}  # rendered without the request's language: both at once


def test_templates_have_no_words_outside_translation_tags():
    found = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt") and path.name not in BILINGUAL:
            text = TEXT_OUTSIDE_TAGS.sub(" ", path.read_text())
            found += [f"{path.relative_to(ROOT)}: {run}" for run in CJK.findall(text)]
    assert found == []


def _pages() -> list[str]:
    """Every brand-site page that takes no path argument (object pages are opened from lists)."""
    paths = []
    for route in _routes(get_resolver("config.urls_tenant")):
        route = route.lstrip("^").rstrip("$").replace("\\Z", "")
        if "<" not in route and "(?P" not in route and not route.startswith(("api/", "admin/", "wall/")):
            paths.append("/" + route)
    return sorted(set(paths))


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _written_by_the_brand(brand) -> list[str]:
    """What the brand wrote (people's and teams' names, its rules' names, words and patterns),
    which stays as written in any language, and the language switch, which names each language
    in itself."""
    from apps.accounts.models import User
    from apps.compliance.models import Rule
    from apps.organisation.models import Team

    with brand:
        return [
            "简体中文",
            brand.brand.name,
            *User.objects.values_list("full_name", flat=True),
            *Team.objects.values_list("name", flat=True),
            *Rule.objects.values_list("name", flat=True),
            *Rule.objects.values_list("pattern", flat=True),
            *(word for words in Rule.objects.values_list("keywords", flat=True) for word in words),
        ]


@pytest.mark.parametrize("who", ["admin", "ops", "rep"])
def test_every_page_reads_in_english(arena, who):
    catalogue = {msgid for msgid, _strs, _block in _entries() if CJK.search(msgid) and "%" not in msgid}
    written = _written_by_the_brand(arena.brand)
    client = arena.brand.client(who)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    leaks = {}
    for path in _pages():
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        runs = set(CJK.findall(_visible_text(response.content.decode())))
        untranslated = {run for run in runs if run in catalogue and not any(run in text for text in written)}
        if untranslated:
            leaks[path] = sorted(untranslated)
    assert leaks == {}


def test_the_brand_audit_log_reads_in_chinese(alpha):
    from apps.organisation.services import team_create

    with alpha:
        team_create(name="一号店", kind="store")  # something to log
    page = alpha.client("admin").get("/admin/auditlog/logentry/").content.decode()
    text = _visible_text(page)
    for english in ("log entries", "Resource Type", "Correlation ID", "Changes", "create"):
        assert english not in text, english
    assert "审计日志" in text and "对象类型" in text and "创建" in text


def test_every_audited_field_is_named_for_the_reader():
    """The audit log lists changed fields by their names: a field left to Django's default name
    ("created at") would read as English in the Chinese log."""
    from django.apps import apps

    unnamed = []
    for spec in settings.AUDITLOG_INCLUDE_TRACKING_MODELS:
        label, fields = (spec, None) if isinstance(spec, str) else (spec["model"], spec.get("include_fields"))
        for field in apps.get_model(label)._meta.concrete_fields:
            if (fields is None or field.name in fields) and str(field.verbose_name) == field.name.replace("_", " "):
                unnamed.append(f"{label}.{field.name}")
    assert [name for name in unnamed if not name.endswith((".id", ".prefix", ".hashed_key", ".created"))] == []


def test_the_period_tabs_read_as_english_words(arena):
    client = arena.brand.client("ops")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    tabs = re.search(r'<span class="period-kinds">(.*?)</span>', client.get("/kpis/").content.decode(), re.S).group(1)
    assert re.findall(r">(\w+)</a>", tabs) == ["Day", "Week", "Month", "Quarter"]
