"""Every route of both sites, with path arguments and query parameters an attacker would try,
asked for anonymously and by people of two roles, GET and POST: a 4xx or a page, never a 5xx."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

ARGUMENTS = ["0", "99999999999999999999999", "abc", "%00", "2026-13-45"]
QUERY = "?limit=99999999999999999999&offset=-1&day=x&page=abc&period=zz&date=2026-99-01&metric=../&top=-5&q=%00"


def _routes(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _paths(urlconf: str) -> list[str]:
    paths = set()
    for route in _routes(get_resolver(urlconf)):
        route = route.lstrip("^").rstrip("$").replace("\\Z", "")
        for argument in ARGUMENTS:
            path = re.sub(r"<(?:\w+:)?\w+>", argument, route)
            paths.add("/" + re.sub(r"\(\?P<\w+>[^)]*\)", argument, path))
    return sorted(paths)


def _server_errors(client: Client, paths: list[str]) -> list[tuple[str, str, int]]:
    errors = []
    for path in paths:
        for method, url in (("get", path + QUERY), ("get", path), ("post", path)):
            response = getattr(client, method)(url, {"x": "1"} if method == "post" else None)
            if response.status_code >= 500:
                errors.append((method, url, response.status_code))
    return errors


@pytest.mark.parametrize("who", [None, "rep", "admin"])
def test_no_brand_route_answers_a_server_error(alpha, who):
    assert _server_errors(alpha.client(who), _paths("config.urls_tenant")) == []


def test_no_public_route_answers_a_server_error(db):
    assert _server_errors(Client(HTTP_HOST="localhost"), _paths("config.urls_public")) == []
