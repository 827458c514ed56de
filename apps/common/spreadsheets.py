"""Text from people written into spreadsheets (CSV and XLSX) so that no cell becomes a formula
(OWASP "CSV injection"): a cell whose first character would start a formula in Excel, WPS or
LibreOffice (= + - @, tab, carriage return, and their full-width forms) is written as text; plain
numbers, negative ones included, stay numbers."""

from __future__ import annotations

import re

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d+)?|\.\d+)([eE][+-]?\d+)?%?")
QUOTE = "'"


def is_formula_like(value: str) -> bool:
    stripped = value.lstrip(" ")
    return stripped.startswith(_TRIGGERS) and not _NUMBER.fullmatch(stripped)


def csv_cell(value: str) -> str:
    """A CSV field: a formula-like text gets a leading apostrophe (shown, never evaluated)."""
    return QUOTE + value if is_formula_like(value) else value


def csv_row(values) -> list[str]:
    return [csv_cell(str(value)) for value in values]


def csv_unquoted(value: str) -> str:
    """What csv_cell wrote, read back: an imported error report with fixes keeps its values."""
    return value[1:] if value.startswith(QUOTE) and is_formula_like(value[1:]) else value


def xlsx_append(sheet, values) -> None:
    """Append a row to an openpyxl sheet; a formula-like text stays a text cell, marked with
    Excel's quote prefix so that editing the cell does not turn it into a formula either."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and is_formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
