"""A safe arithmetic language over metric names: `gmv / orders`, `(gmv - cost) / cost * 100`.

Parsed with Python's own parser into a tree, then only numbers, metric names, + - * / and
parentheses are accepted; nothing is ever evaluated as Python. Arithmetic is Decimal; a
division by zero (or any unknown value) makes the whole result None, shown as "—".
"""

from __future__ import annotations

import ast
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_LENGTH = 300
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class FormulaError(ValueError):
    """The formula is not acceptable; the message says why, for the person who typed it."""


def parse(text: str) -> ast.expr:
    if not text or not text.strip():
        raise FormulaError(_("公式不能为空。"))
    if len(text) > MAX_LENGTH:
        raise FormulaError(_("公式最长 %(max)d 个字符。") % {"max": MAX_LENGTH})
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise FormulaError(_("公式写法有误：请只用指标代码、数字、+ - * / 和括号。")) from None
    _check(tree)
    return tree


def _check(node: ast.AST) -> None:
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        _check(node.left)
        _check(node.right)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _check(node.operand)
    elif not (isinstance(node, ast.Name) or (isinstance(node, ast.Constant) and type(node.value) in (int, float))):
        raise FormulaError(_("公式只能包含指标代码、数字、+ - * / 和括号。"))


def names(text: str) -> set[str]:
    """The metric codes a formula refers to."""
    return {node.id for node in ast.walk(parse(text)) if isinstance(node, ast.Name)}


def evaluate(text_or_tree: str | ast.expr, values: dict[str, Decimal | None]) -> Decimal | None:
    tree = parse(text_or_tree) if isinstance(text_or_tree, str) else text_or_tree
    try:
        result = _eval(tree, values)
    except (ZeroDivisionError, InvalidOperation, _Unknown):
        return None
    return result if result.is_finite() else None


class _Unknown(Exception):
    pass


def _eval(node: ast.AST, values) -> Decimal:
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        value = values.get(node.id)
        if value is None:
            raise _Unknown(node.id)
        return Decimal(value)
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    assert isinstance(node, ast.BinOp)  # parse() lets no other node through
    left, right = _eval(node.left, values), _eval(node.right, values)
    op = type(node.op)
    if op is ast.Add:
        return left + right
    if op is ast.Sub:
        return left - right
    if op is ast.Mult:
        return left * right
    if right == 0:
        raise ZeroDivisionError
    return left / right
