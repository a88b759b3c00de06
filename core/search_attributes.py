"""Custom search attributes of ReturnCaseWorkflow: what lists and the Temporal CLI filter on.

No personal data: the stage, who the case waits on (a role), the next due time, the
assignee's user id, the country of origin (ISO code) and the project id. Registered by the
run command and the test fixtures (``ensure_search_attributes``), set when a case starts
and upserted by the workflow on every projection (workflows/projection.py), e.g.

    temporal workflow list --query 'CaseStage="travel" AND WaitingOn="caseworker"'
"""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError, RPCStatusCode

CASE_STAGE = SearchAttributeKey.for_keyword("CaseStage")
WAITING_ON = SearchAttributeKey.for_keyword("WaitingOn")
NEXT_DUE = SearchAttributeKey.for_datetime("NextDue")
ASSIGNEE = SearchAttributeKey.for_keyword("Assignee")
CASE_COUNTRY = SearchAttributeKey.for_keyword("CaseCountry")
CASE_PROJECT = SearchAttributeKey.for_keyword("CaseProject")

# The server marks a workflow whose workflow tasks keep failing in TemporalReportedProblems
# after this many consecutive failures; the dev server started by `make run` and the tests
# report at once (the stuck list reads it). Set it on your own cluster's dynamic config.
REPORT_PROBLEMS_AFTER = 1
DEV_SERVER_ARGS = [
    "--dynamic-config-value",
    f"system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute={REPORT_PROBLEMS_AFTER}",
]

CASE_SEARCH_ATTRIBUTES: list[SearchAttributeKey] = [  # type: ignore[type-arg]
    CASE_STAGE, WAITING_ON, NEXT_DUE, ASSIGNEE, CASE_COUNTRY, CASE_PROJECT,
]


def at_start(
    stage: str, country: str, assignee_id: str | None, project_id: str | None
) -> TypedSearchAttributes:
    """What a case's workflow is started with (the rest comes with its first projection)."""
    pairs: list[SearchAttributePair] = [  # type: ignore[type-arg]
        SearchAttributePair(CASE_STAGE, stage), SearchAttributePair(CASE_COUNTRY, country)
    ]
    if assignee_id:
        pairs.append(SearchAttributePair(ASSIGNEE, assignee_id))
    if project_id:
        pairs.append(SearchAttributePair(CASE_PROJECT, project_id))
    return TypedSearchAttributes(pairs)


async def ensure_search_attributes(client: Client, namespace: str) -> list[str]:
    """Register the attributes the namespace lacks, through the operator service; returns
    the names added (none when they are already there)."""
    try:
        existing = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace)
        )
        known = set(existing.custom_attributes) | set(existing.system_attributes)
    except RPCError as err:
        if err.status != RPCStatusCode.UNIMPLEMENTED:
            raise
        known = set()  # the time-skipping test server only lets us add
    missing = {
        key.name: IndexedValueType.ValueType(key.indexed_value_type.value)
        for key in CASE_SEARCH_ATTRIBUTES
        if key.name not in known
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
    return sorted(missing)
