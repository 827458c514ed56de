"""Schemathesis against the OpenAPI schema, every operation, as a brand's integration: whatever
the generated input, no 500, no status the schema does not document for that operation, and no
body or content type that contradicts it. A bounded number of
examples per operation keeps `make test` quick (`API_FUZZ_EXAMPLES` raises it)."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.organisation.roles import Role
from apps.organisation.services import api_key_create
from config.wsgi import application

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "8"))
schema = schemathesis.openapi.from_dict(SchemaGenerator(urlconf="config.urls_tenant").get_schema(public=True))
# The coverage phase (every boundary and every missing field of every operation) takes minutes;
# `API_FUZZ_COVERAGE=1` adds it to a run.
schema.config.phases.coverage.enabled = os.environ.get("API_FUZZ_COVERAGE") == "1"


@pytest.fixture
def integration(alpha):
    # The WSGI handler closes the connection after each request; Django's own test client stops it
    # from doing so, and so must a test that calls the application directly inside a transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with alpha:
        _key, secret = api_key_create(name="fuzz", roles=[Role.BRAND_ADMIN], created_by=None)
    yield {"Host": alpha.host, "Authorization": f"Api-Key {secret}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)
def test_no_operation_fails_or_breaks_its_schema(case, integration):
    response = case.call(app=application, headers=integration)
    case.validate_response(
        response,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance],
    )


def _operations():
    raw = SchemaGenerator(urlconf="config.urls_tenant").get_schema(public=True)
    for path, item in raw["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_documents_the_errors_it_can_answer():
    for path, method, operation in _operations():
        codes = set(operation["responses"])
        assert {"401", "403", "429"} <= codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        if "requestBody" in operation:
            assert {"400", "415"} <= codes, (method, path)


def test_a_wrong_or_stale_key_does_not_break_the_docs(alpha):
    for path in ("/api/docs/", "/api/schema/"):
        response = alpha.client(HTTP_AUTHORIZATION="Api-Key not-a-key").get(path)
        assert response.status_code == 200, path


def test_answers_a_probe_found_as_server_errors_are_clear_4xx(alpha, integration):
    client = alpha.client(HTTP_AUTHORIZATION=integration["Authorization"])
    for path in (
        f"/api/v1/people/{alpha.rep_id}/deactivate.json",
        f"/api/v1/people/{alpha.rep_id}/reactivate.json",
        "/api/v1/targets/bulk.json",
        "/api/v1/people.json",
    ):
        response = client.post(path) if "activate" in path or "bulk" in path else client.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", path
    for query in ("limit=99999999999999999999999", "offset=99999999999999999999999", "limit=-1&offset=-5"):
        response = client.get(f"/api/v1/people/?{query}")
        assert response.status_code in (200, 400), query
        if response.status_code == 400:
            assert response.json()["offset"], query
    assert len(client.get("/api/v1/people/?limit=99999999999999999999999").json()["results"]) <= 1000
