"""How a metric's value reads: money with the brand's currency, percents, counts; "—" for none."""

from decimal import ROUND_HALF_UP, Decimal

from apps.kpis.catalogue import Unit

CURRENCY_SYMBOLS = {"CNY": "¥", "HKD": "HK$", "USD": "$", "TWD": "NT$", "SGD": "S$", "EUR": "€"}
DASH = "—"


def format_value(value: Decimal | None, unit: str, currency: str = "CNY") -> str:
    if value is None:
        return DASH
    if unit == Unit.MONEY:
        return f"{CURRENCY_SYMBOLS.get(currency, currency + ' ')}{value:,.2f}"
    if unit == Unit.PERCENT:
        return f"{value:,.1f}%"
    if unit == Unit.RATIO:
        return f"{value:,.2f}"
    return f"{value.quantize(Decimal(1), ROUND_HALF_UP):,}"


def decimal_text(value: Decimal | None, places: int = 4) -> str | None:
    """For JSON, as DRF writes decimals: a string, exact, with enough digits and no trailing zeros."""
    if value is None:
        return None
    text = format(value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
