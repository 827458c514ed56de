import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CURRENCY_CHOICES = [
    ("CNY", _("人民币 CNY")),
    ("HKD", _("港币 HKD")),
    ("USD", _("美元 USD")),
    ("TWD", _("新台币 TWD")),
    ("SGD", _("新加坡元 SGD")),
    ("EUR", _("欧元 EUR")),
]
SLUG_MAX_LENGTH = 30
SLUG_TAKEN = _("这个子域名已被使用。")
SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
# Subdomains the platform uses or may use itself, and names that would confuse users.
RESERVED_SLUGS = frozenset(
    {
        "www",
        "api",
        "admin",
        "public",
        "static",
        "media",
        "assets",
        "app",
        "apps",
        "mail",
        "email",
        "smtp",
        "ftp",
        "help",
        "support",
        "status",
        "docs",
        "blog",
        "dev",
        "test",
        "staging",
        "demo-template",
        "brand-template",
        "template",
        "root",
        "system",
        "siyu",
        "login",
        "signup",
        "account",
        "accounts",
        "billing",
        "pricing",
        "cdn",
        "ws",
        "wss",
        "internal",
        "localhost",
        "pg",
        "postgres",
        "information-schema",
    }
)


def validate_slug(value: str) -> None:
    """A brand's subdomain: 2-30 chars, lowercase letters, digits and inner hyphens."""
    if len(value) > SLUG_MAX_LENGTH:
        raise ValidationError(_("子域名最多 %(max)d 个字符。"), code="max_length", params={"max": SLUG_MAX_LENGTH})
    if len(value) < 2 or not SLUG_PATTERN.match(value) or "--" in value:
        raise ValidationError(
            _("子域名只能包含小写字母、数字和中间的连字符，以字母开头，至少 2 个字符。"), code="invalid"
        )
    if value in RESERVED_SLUGS or value.startswith("pg-"):
        raise ValidationError(_("“%(slug)s”是保留名称，请换一个。"), code="reserved", params={"slug": value})


def schema_name_for(slug: str) -> str:
    # Schema names cannot contain hyphens unquoted; prefixing also keeps them apart from
    # PostgreSQL's own schemas (pg_*, public, information_schema).
    return "brand_" + slug.replace("-", "_")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("未知时区：%(tz)s"), code="invalid", params={"tz": value})


def validate_currency(value: str) -> None:
    if value not in dict(CURRENCY_CHOICES):
        raise ValidationError(_("不支持的货币：%(currency)s"), code="invalid", params={"currency": value})
