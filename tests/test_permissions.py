"""Walks the brand site's whole URL conf: every URL is either open by design or declares the
capability it needs, and a sales rep gets 403 on each one their role does not grant."""

import itertools
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch

from apps.organisation.roles import ROLE_CAPABILITIES, Capability, Role

# Reachable without any capability: signing in and out, language, the API description.
OPEN_URL_NAMES = {
    "accounts:login",
    "accounts:logout",
    "signup:handoff",
    "accounts:set_password",
    "accounts:password_reset",
    "set_language",
    "dashboards:home",
    "schema",
    "api-docs",
    # A shop-floor TV by link: the secret in the URL is the key (tests/leaderboards/test_walls.py).
    "leaderboards:wall",
    "leaderboards:wall_slide",
    "leaderboards:wall_standing_live",
    "leaderboards:wall_competition_live",
    # WeCom's pushes: signed with the brand's callback token instead (tests/wecom/test_callbacks.py).
    "wecom:callback",
    # Signing in with WeCom: WeCom says who someone is (tests/wecom/test_sign_in.py).
    "wecom:sign_in",
    "wecom:sign_in_done",
}
# Values tried for each URL argument until the URL reverses (covers converters and regex groups).
ARG_CANDIDATES = ["999999", "organisation", "team", "json", "2026-01-01", "abc"]


def _walk(patterns, namespace="", prefix=""):
    for pattern in patterns:
        here = prefix + _materialize(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, ns, here)
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern, here


def _materialize(route_pattern) -> str:
    """A literal path piece for an unnamed pattern (the admin's redirect and catch-all ones)."""
    text = str(route_pattern)
    text = re.sub(r"<(?:\w+:)?\w+>", ARG_CANDIDATES[0], text)  # <int:pk>, <path:object_id>
    text = re.sub(r"\(\?P<\w+>[^)]*\)", ARG_CANDIDATES[-1], text)  # (?P<url>.*)
    return text.lstrip("^").rstrip("$")


def _example_path(name, pattern):
    arg_names = list(pattern.pattern.regex.groupindex)
    choices = [["json"] if arg == "format" else ARG_CANDIDATES for arg in arg_names]
    for values in itertools.product(*choices):
        try:
            return reverse(name, kwargs=dict(zip(arg_names, values, strict=True)), urlconf="config.urls_tenant")
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot build an example path for {name}")


def tenant_urls():
    urls = {}
    for namespace, pattern, literal in _walk(get_resolver("config.urls_tenant").url_patterns):
        if pattern.name:
            name = namespace + pattern.name
            urls[name] = _example_path(name, pattern)
        else:
            urls[f"{namespace}unnamed:/{literal}"] = "/" + literal
    return sorted(urls.items())


def required_capability(path):
    """The capability a URL's view declares, or None if it is open by design."""
    match = resolve(path, urlconf="config.urls_tenant")
    if match.view_name in OPEN_URL_NAMES:
        return None
    if match.namespace == "brand_admin":
        return Capability.BRAND_ADMIN_SITE
    view_class = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
    initkwargs = getattr(match.func, "view_initkwargs", {})
    capability = (
        initkwargs.get("required_capability")
        or getattr(view_class, "required_capability", None)
        or getattr(view_class, "read_capability", None)
    )
    assert capability, f"{match.view_name} ({path}) declares no capability: it would be open to every role"
    return capability


TENANT_URLS = tenant_urls()


def test_the_walk_covers_the_whole_site():
    names = {name for name, _path in TENANT_URLS}
    assert {
        "organisation:people",
        "organisation:api_keys",
        "api:person-list",
        "api:team-detail",
        "brand_admin:index",
        "brand_admin:organisation_team_changelist",
        "dashboards:ops",
    } <= names
    assert len(TENANT_URLS) > 40


@pytest.mark.parametrize(("name", "path"), TENANT_URLS, ids=[n for n, _ in TENANT_URLS])
def test_sales_rep_is_refused_everything_their_role_does_not_grant(alpha, name, path):
    capability = required_capability(path)
    rep = alpha.client("rep")
    if capability is None or capability in ROLE_CAPABILITIES[Role.SALES_REP]:
        assert rep.get(path).status_code != 403, f"{name} should be open to a sales rep"
        return
    assert rep.get(path).status_code == 403, f"GET {path}"
    assert rep.post(path, {}).status_code == 403, f"POST {path}"


@pytest.mark.parametrize(("name", "path"), TENANT_URLS, ids=[n for n, _ in TENANT_URLS])
def test_anonymous_visitors_are_sent_to_login_or_refused(alpha, name, path):
    if required_capability(path) is None:
        return
    response = alpha.client().get(path, follow=True)
    if path.startswith("/api/"):
        assert response.status_code == 401
    else:
        assert response.redirect_chain and "/accounts/login/" in response.redirect_chain[-1][0], path
        assert response.status_code == 200


def test_sales_rep_api_key_is_refused_admin_endpoints(alpha):
    from apps.organisation.services import api_key_create

    with alpha:
        _key, secret = api_key_create(name="rep key", roles=[Role.SALES_REP], created_by=None)
    client = alpha.client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert client.get("/api/v1/people/").status_code == 403
    assert client.post("/api/v1/teams/", {"name": "x", "kind": "store"}).status_code == 403
