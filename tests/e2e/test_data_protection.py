"""A planted name and passport number appear in neither the Temporal history nor the logs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.testing import WorkflowEnvironment

from tests.e2e.test_stack import Stack, stack  # noqa: F401 - the fixture
from tests.factories import CASE_JSON
from tests.tokens import bearer

pytestmark = pytest.mark.e2e
NAME, PASSPORT = "Zzyzxplantedname", "PPZZ99887766"


def payloads_in(value: Any) -> list[Payload]:
    """Every Payload anywhere inside a history event (messages, lists and maps)."""
    if isinstance(value, Payload):
        return [value]
    if isinstance(value, Message):
        # Search attributes are never encoded (the server indexes them; ids and codes only),
        # nor is a patch marker's id: workflow code's version, no case data.
        if getattr(value, "marker_name", None) == "core_patch":
            return []
        return [p for f, v in value.ListFields() if f.name != "search_attributes"
                for p in payloads_in(v)]
    if isinstance(value, (str, bytes, int, float, bool)):
        return []
    if callable(getattr(value, "values", None)):  # a protobuf map
        return [p for v in value.values() for p in payloads_in(v)]
    try:  # repeated fields are sequences without __iter__
        return [p for v in list(value) for p in payloads_in(v)]
    except TypeError:
        return []


async def test_personal_data_stays_out_of_history_and_logs(
    stack: Stack, dev_env: WorkflowEnvironment  # noqa: F811
) -> None:
    case: dict[str, Any] = CASE_JSON | {
        "principal": CASE_JSON["principal"] | {  # type: ignore[operator]
            "given_name": NAME, "family_name": NAME, "passport_number": PASSPORT,
            "passport_valid_until": "2035-01-01",
        }
    }
    cw, sup = bearer("caseworker"), bearer("supervisor")
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=20) as http:
        r = await http.post("/cases", json=case, headers=cw)
        assert r.status_code == 201, r.text
        case_id = r.json()["id"]
        steps = [
            ("counselling-sessions", {"held_on": "2026-02-01", "place": "Riga", "language": "ka"}, cw),
            ("intake/complete", None, cw),
            ("eligibility/assessment", {"eligible": True, "notes": "meets the criteria"}, cw),
            ("eligibility/decision", {"approve": True, "reason": "agreed"}, sup),
            ("consent", {"declaration_signed_on": datetime.now(UTC).date().isoformat(),
                         "share_with_authorities": True, "share_with_partner": True,
                         "witnessed_by": "the counsellor"}, cw),
        ]
        for path, body, who in steps:
            r = await http.post(f"/cases/{case_id}/{path}", json=body, headers=who)
            assert r.status_code == 200, (path, r.text)
        assert r.json()["stage"] not in ("intake", "eligibility", "consent")
        household = (await http.get(f"/cases/{case_id}/household", headers=cw)).json()
        assert household[0]["passport_number"] == PASSPORT  # it is held, in the database

    history = await dev_env.client.get_workflow_handle(f"case-{case_id}").fetch_history()
    raw = history.to_json()
    assert len(history.events) > 10
    for secret in (NAME, PASSPORT):
        assert secret not in raw
    # Decrypted, the payloads carry ids and facts only: the workflow never had the name.
    payloads = [p for e in history.events for p in payloads_in(e)]
    assert payloads and all(p.metadata.get("encoding") == b"binary/encrypted" for p in payloads)
    codec = dev_env.client.data_converter.payload_codec
    assert codec is not None
    plain = b"".join(p.data for p in await codec.decode(payloads))
    assert case_id.encode() in plain
    for secret in (NAME, PASSPORT):
        assert secret.encode() not in plain

    for log in (stack.worker_log, stack.api_log):
        text = log.read_text()
        assert case_id in text  # the logs do talk about the case...
        for secret in (NAME, PASSPORT):
            assert secret not in text  # ...but never name the person
