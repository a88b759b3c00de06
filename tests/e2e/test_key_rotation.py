"""Acceptance: a case started under key 1 continues and completes after the worker restarts
with key 2 added (and active); the history holds only ciphertext, under both key ids."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from google.protobuf.message import Message
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from core.codec import ENCODING, KEY_ID_HEADER, PayloadKeyError, new_key_entry
from core.converter import build_data_converter, build_payload_codec
from core.settings import Settings
from models.decisions import (
    CompleteIntakeInput,
    EligibilityDecisionInput,
    RecordCounsellingInput,
    SubmitEligibilityInput,
)
from models.enums import ClosureReason, Role, Stage
from models.payloads import Actor, CounsellingSession
from tests.factories import insert_case, workflow_input
from tests.workflows.scenario import close_case
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow, workflow_id

pytestmark = pytest.mark.e2e
PLANTED = "ZZPLANTEDPLACE"
CASEWORKER = Actor(id="cw-anna", role=Role.CASEWORKER)
SUPERVISOR = Actor(id="sup-mara", role=Role.SUPERVISOR)


async def client_with_keys(dev_env: WorkflowEnvironment, settings: Settings) -> Client:
    return await Client.connect(
        dev_env.client.service_client.config.target_host,
        namespace=dev_env.client.namespace,
        data_converter=build_data_converter(settings),
    )


def payloads_in(message: Message) -> Iterator[Payload]:
    """Every Payload anywhere inside a protobuf message (inputs, results, headers, memos)."""
    if isinstance(message, Payload):
        yield message
        return
    for field, value in message.ListFields():
        if field.name == "search_attributes":
            continue  # never encoded by a codec (the server indexes them): no personal data there
        if isinstance(value, Message):
            children = [value]
        elif isinstance(value, str | bytes | int | float):
            continue
        else:
            children = list(value.values() if hasattr(value, "values") else value)
        for child in children:
            if isinstance(child, Message):
                yield from payloads_in(child)


async def test_case_under_key_1_completes_after_restart_with_key_2(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    k1, k2 = new_key_entry("k1"), new_key_entry("k2")
    only_k1 = settings.model_copy(update={"payload_keys": SecretStr(k1)})
    rotated = settings.model_copy(update={"payload_keys": SecretStr(f"{k1},{k2}")})
    case = insert_case(engine)
    session = CounsellingSession(held_on=date(2026, 1, 5), place=PLANTED, language="ka")

    client_k1 = await client_with_keys(dev_env, only_k1)
    async with build_worker(client_k1, only_k1, engine):
        handle = await client_k1.start_workflow(
            ReturnCaseWorkflow.run,
            workflow_input(case),
            id=workflow_id(case.id),
            task_queue=settings.temporal_task_queue,
        )
        state = await handle.execute_update(
            ReturnCaseWorkflow.record_counselling, RecordCounsellingInput(session=session)
        )
        assert state.counselling_sessions[0].place == PLANTED

    # The worker restarts with key 2 added and active: it replays the key-1 history.
    client_k2 = await client_with_keys(dev_env, rotated)
    assert build_payload_codec(rotated).active_key_id == "k2"
    async with build_worker(client_k2, rotated, engine):
        handle = client_k2.get_workflow_handle_for(ReturnCaseWorkflow.run, workflow_id(case.id))
        state = await handle.execute_update(
            ReturnCaseWorkflow.complete_intake, CompleteIntakeInput()
        )
        assert state.stage == Stage.ELIGIBILITY
        await handle.execute_update(
            ReturnCaseWorkflow.submit_eligibility,
            SubmitEligibilityInput(actor=CASEWORKER, eligible=True, notes="rejected asylum seeker"),
        )
        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_eligibility,
            EligibilityDecisionInput(actor=SUPERVISOR, approve=True, reason="meets the criteria"),
        )
        assert state.stage == Stage.CONSENT

        queried = await handle.query(ReturnCaseWorkflow.state)
        assert queried.stage == Stage.CONSENT
        assert queried.counselling_sessions[0].place == PLANTED
        # A client without the keys (the development converter) cannot read the answer.
        stranger = dev_env.client.get_workflow_handle_for(
            ReturnCaseWorkflow.run, workflow_id(case.id)
        )
        with pytest.raises(PayloadKeyError, match="'k2'"):
            await stranger.query(ReturnCaseWorkflow.state)

        await close_case(handle)
        result = await handle.result()
        assert result.stage == Stage.CLOSED
        assert result.closure_reason == ClosureReason.WITHDRAWN
        assert result.counselling_sessions[0].place == PLANTED

    history = await handle.fetch_history()
    payloads = [p for event in history.events for p in payloads_in(event)]
    key_ids = {p.metadata[KEY_ID_HEADER] for p in payloads if p.metadata["encoding"] == ENCODING}
    assert key_ids == {b"k1", b"k2"}
    # Input, updates, activity arguments and results: all of it is ciphertext.
    # (Except a patch marker's id, which the SDK writes as it is: workflow code's version, e.g.
    # "case-search-attributes", no case data.)
    plain = [(e.event_type, p.data[:80]) for e in history.events for p in payloads_in(e)
             if p.metadata["encoding"] != ENCODING
             and e.marker_recorded_event_attributes.marker_name != "core_patch"]
    assert plain == [], plain
    assert not any(PLANTED.encode() in event.SerializeToString() for event in history.events)

    # Nor the result or the history.
    with pytest.raises(PayloadKeyError, match="'k2'"):
        await stranger.result()
    with pytest.raises(PayloadKeyError, match="'k1'"):
        await build_payload_codec().decode(payloads)
