"""Schemathesis against the OpenAPI schema, every operation, as a brand's integration: whatever
the generated input, no 500 and no response that contradicts the schema. A bounded number of
examples per operation keeps `make test` quick (`API_FUZZ_EXAMPLES` raises it)."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

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
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
