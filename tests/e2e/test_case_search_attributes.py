"""The case search attributes work from the Temporal CLI of the virtualenv."""

from __future__ import annotations

import asyncio
import subprocess
from datetime import UTC, datetime

import httpx
from temporalio.testing import WorkflowEnvironment

from core.cli import venv_binary
from tests.api.conftest import api  # noqa: F401
from tests.api.decision_cases import case_after_consent
from tests.tokens import bearer


def cli_list(dev_env: WorkflowEnvironment, query: str) -> str:
    return subprocess.run(
        [venv_binary("temporal"), "workflow", "list",
         "--address", dev_env.client.service_client.config.target_host,
         "--query", query],
        capture_output=True, text=True, timeout=30, check=True,
    ).stdout


async def test_temporal_workflow_list_by_case_stage(
    api: httpx.AsyncClient, dev_env: WorkflowEnvironment  # noqa: F811
) -> None:
    case_id = await case_after_consent(api)
    other_id = await case_after_consent(api)  # stays in travel_documents
    r = await api.post(f"/cases/{case_id}/travel-documents/assessment",
                       json={"planned_departure": "2030-01-10"})
    ref = r.json()["documents"]["request_ref"]
    r = await api.post(f"/cases/{case_id}/travel-documents/embassy-answer",
                       json={"request_ref": ref, "issued": True, "valid_until": "2030-06-01"})
    assert r.status_code == 200, r.text
    r = await api.post(
        f"/cases/{case_id}/clearance", headers=bearer("borderguard"),
        json={"kind": "exit_clearance", "confirmed_on": datetime.now(UTC).date().isoformat(),
              "reference": "BG-7"},
    )
    assert r.status_code == 200 and r.json()["stage"] == "travel", r.text

    query = 'CaseStage="travel"'
    for _ in range(100):  # visibility is eventually consistent
        listed = await asyncio.to_thread(cli_list, dev_env, query)
        if f"case-{case_id}" in listed:
            break
        await asyncio.sleep(0.1)
    assert f"case-{case_id}" in listed and f"case-{other_id}" not in listed
    both = await asyncio.to_thread(
        cli_list, dev_env,
        'CaseCountry="GE" AND Assignee="caseworker" AND WaitingOn="caseworker" '
        'AND CaseStage IN ("travel", "consent", "vulnerability", "travel_documents")',
    )
    assert f"case-{case_id}" in both and f"case-{other_id}" in both
    described = await dev_env.client.get_workflow_handle(f"case-{case_id}").describe()
    attrs = {p.key.name: p.value for p in described.typed_search_attributes}
    assert attrs["CaseStage"] == "travel" and attrs["WaitingOn"] == "caseworker"
    assert isinstance(attrs["NextDue"], datetime) and attrs["CaseProject"]
    # Identifiers and codes only: nothing about the person.
    assert "Beridze" not in str(attrs) and "1988" not in str(attrs)
