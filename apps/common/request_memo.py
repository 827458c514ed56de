"""Brand-wide settings that one page reads many times (the metrics registry, the KPI and
leaderboard settings...) come from the database once per request.

`per_request` remembers a function's result, per schema and (hashable) arguments, for the rest
of the request that RequestMemoMiddleware is serving; outside a request (tasks, shell) it calls
through.
Any model saved or deleted during the request forgets everything remembered, so a page that
changes a setting and reads it back sees the new value.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db.models.signals import post_delete, post_save

from apps.common.schemas import current_schema

P = ParamSpec("P")
T = TypeVar("T")
_memo: ContextVar[dict | None] = ContextVar("request_memo", default=None)


def per_request(func: Callable[P, T]) -> Callable[P, T]:
    @wraps(func)
    def remembered(*args: P.args, **kwargs: P.kwargs) -> T:
        memo = _memo.get()
        if memo is None:
            return func(*args, **kwargs)
        key = (current_schema(), func, args, tuple(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = func(*args, **kwargs)
        return memo[key]

    return remembered


def _forget(**kwargs) -> None:
    memo = _memo.get()
    if memo:
        memo.clear()


post_save.connect(_forget, dispatch_uid="request_memo_forget_on_save", weak=False)
post_delete.connect(_forget, dispatch_uid="request_memo_forget_on_delete", weak=False)


class RequestMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
