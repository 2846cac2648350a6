"""The API against its own OpenAPI schema, generated requests for every operation (schemathesis).

Each operation is exercised as an anonymous client, a member and staff; every answer must be a
documented status, match the documented body schema and content type, and never be a 5xx.
Deterministic (derandomized, bounded examples) so a failure reproduces on every run.
"""

import os

import pytest
import schemathesis
from django.core.cache import cache
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bookit.wsgi import application

pytestmark = [
    pytest.mark.django_db,
    # The contract does not depend on the database; its ~150 generated cases run once, on SQLite.
    pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL")), reason="contract legs run in the SQLite run"
    ),
]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]
BOUNDED = settings(
    max_examples=12,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


# Loaded at collection, through the app itself (the schema view needs no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


def _call(case, headers: dict[str, str] | None = None) -> None:
    # Throttles would turn most generated requests into (documented) 429s and test nothing.
    cache.clear()
    case.call_and_validate(headers=headers, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_anonymous(case, contract_data):
    _call(case)


@schema.parametrize()
@BOUNDED
def test_member(case, member_headers):
    _call(case, member_headers)


@schema.parametrize()
@BOUNDED
def test_staff(case, staff_headers):
    _call(case, staff_headers)
