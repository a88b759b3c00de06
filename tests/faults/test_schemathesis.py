"""Property-based fuzzing of every route from the OpenAPI schema, against the real API and
worker processes on a dev server: no 5xx and no response that violates the schema, as a
supervisor and as a caseworker. Bounded: few examples per operation, no shrinking."""

from __future__ import annotations

import time

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.conftest import DATABASES
from tests.e2e.test_stack import Stack
from tests.factories import CASE_JSON
from tests.tokens import bearer

# On the production database only (PostgreSQL, the last configured): its types are the strict
# ones where a fuzzed value can fail a query; both databases took 95 s of the suite's two cores.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.parametrize("database_url", DATABASES[-1:], indirect=True),
]
MAX_EXAMPLES = 4
BUDGET_SECONDS = 150  # per role: a safety stop (about 40 s is typical on 2 idle cores)
CHECKS = [not_a_server_error, response_schema_conformance]


def fuzz(stack: Stack, role: str) -> tuple[list[str], int, int]:
    """Failures, operations tested, requests sent."""
    schema = schemathesis.openapi.from_url(f"{stack.base_url}/openapi.json")
    headers = bearer(role)
    failures: list[str] = []
    operations = calls = 0
    deadline = time.monotonic() + BUDGET_SECONDS
    for result in schema.get_all_operations():
        operation = result.ok()
        if time.monotonic() > deadline:
            failures.append(f"budget spent before {operation.label}")
            break

        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            nonlocal calls
            calls += 1
            case.call_and_validate(base_url=stack.base_url, headers=headers, checks=CHECKS,
                                   timeout=15)

        operations += 1
        try:
            check()
        except (Exception, BaseExceptionGroup) as err:  # noqa: BLE001 - collect all failures
            failures.append(f"{role} {operation.label}: {str(err)[:1500]}")
    return failures, operations, calls


def test_no_server_errors_nor_schema_violations(stack: Stack) -> None:
    # One real case, so that routes under /cases/{case_id} have something to find.
    with httpx.Client(base_url=stack.base_url, headers=bearer("caseworker"), timeout=15) as http:
        assert http.post("/cases", json=CASE_JSON).status_code == 201
    failures: list[str] = []
    for role in ("supervisor", "caseworker"):
        found, operations, calls = fuzz(stack, role)
        print(f"{role}: {operations} operations, {calls} requests, {len(found)} failing")
        assert operations >= 20 and calls >= operations, (operations, calls)
        failures += found
    assert not failures, "\n\n".join(failures)
