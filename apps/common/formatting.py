"""How a metric's value reads: money with the brand's currency, percents, counts; "—" for none."""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# What people read: a string, or a translation that becomes one in the reader's language.
Label = str | Promise


class Unit(models.TextChoices):
    """What a figure counts: it decides how the figure reads."""

    COUNT = "count", _("个")
    MONEY = "money", _("金额")
    PERCENT = "percent", _("%")
    RATIO = "ratio", _("比值")


CURRENCY_SYMBOLS = {"CNY": "¥", "HKD": "HK$", "USD": "$", "TWD": "NT$", "SGD": "S$", "EUR": "€"}
DASH = "—"


PLACES: dict[str, int] = {Unit.MONEY: 2, Unit.PERCENT: 1, Unit.RATIO: 2, Unit.COUNT: 0}


def shown_value(value: Decimal | None, unit: str) -> Decimal | None:
    """A metric's value as every medium shows it (page, email, XLSX, PDF): rounded half up to its
    unit's places, so no two places disagree in the last digit."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(1).scaleb(-PLACES.get(unit, 0)), ROUND_HALF_UP)


def format_value(value: Decimal | None, unit: str, currency: str = "CNY") -> str:
    shown = shown_value(value, unit)
    if shown is None:
        return DASH
    if unit == Unit.MONEY:
        return f"{CURRENCY_SYMBOLS.get(currency, currency + ' ')}{shown:,}"
    if unit == Unit.PERCENT:
        return f"{shown:,}%"
    return f"{shown:,}"


def achievement_value(value, places: int = 1) -> Decimal | None:
    """A rate of achievement as it is shown everywhere (page, export): truncated, not rounded, so
    99.96% of a target never reads as 100.0%."""
    return None if value is None else Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_DOWN)


def achievement_text(value, places: int = 1) -> str:
    shown = achievement_value(value, places)
    return DASH if shown is None else f"{shown:,}%"


def change_of(now: Decimal | None, before: Decimal | None, unit: str) -> Decimal | None:
    """The change from `before` to `now` (环比, 同比): in % of `before` for counts and money, in
    points for rates and ratios (a conversion rate going from 40% to 20% fell 20 points, not 50%)."""
    if now is None or before is None:
        return None
    if unit in (Unit.PERCENT, Unit.RATIO):
        return now - before
    if not before:
        return None
    return (now - before) / abs(before) * 100


def change_text(change: Decimal | None, unit: str) -> str:
    if change is None:
        return DASH
    sign = "+" if change > 0 else ""
    if unit == Unit.PERCENT:
        return _("%(sign)s%(value)s 个百分点") % {"sign": sign, "value": f"{change:,.1f}"}
    if unit == Unit.RATIO:
        return f"{sign}{change:,.2f}"
    return f"{sign}{achievement_text(change)}"


def decimal_text(value: Decimal | None, places: int = 4) -> str | None:
    """For JSON, as DRF writes decimals: a string, exact, with enough digits and no trailing zeros."""
    if value is None:
        return None
    text = format(value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
