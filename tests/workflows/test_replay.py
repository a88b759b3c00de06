"""Histories recorded from the scenario tests replay without non-determinism on today's code.

Every history here was recorded while the case workflow's updates were hand-written methods;
they replay with the updates made from ``workflows/updates.py`` (same names, payload types,
validators and lock rule).

A change to ReturnCaseWorkflow that would break cases already running fails here. Regenerate
the fixtures only for an intended, versioned change (see conftest.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from core.converter import build_data_converter
from core.workflow_runner import runner_for
from workflows.return_case import ReturnCaseWorkflow

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_histories_are_recorded() -> None:
    names = {p.stem for p in HISTORIES}
    for scenario in (
        "single_adult_from_intake_to_departure_with_the_grant_paid_once",
        "household_of_four_with_a_sick_child",
        "embassy_refusal_then_second_request_issued_with_reminders",
        "no_show_is_rebooked_and_the_first_booking_cancelled",
        "withdrawal_after_booking_cancels_it_and_pays_nothing",
        "payment_recorded_then_crash_does_not_pay_twice",
        "unaccompanied_minor_cannot_depart_before_the_three_steps",
        "grant_over_budget_is_refused_then_costs_are_booked_once_each",
        # Recorded after the timeline and the projection became one activity.
        "single_adult_from_intake_to_departure_with_the_grant_paid_once-one-write",
        "from_arrival_through_three_visits_to_closure_with_the_score-one-write",
        # Recorded before the case workflow's mixins became collaborators (issue 18).
        "a_paid_grant_and_a_handover_lead_into_monitoring",
        # Booking by a travel desk (HOMEWARD_BOOKING=desk): its updates and the withdrawal.
        "a_travel_desk_books_and_the_household_departs",
        "closing_the_case_withdraws_the_open_request",
        # The partner chosen before departure: declined, never answering, packages sent.
        "a_declining_partner_is_replaced_and_the_next_gets_the_pre_arrival_package",
        "a_partner_that_never_answers_is_shown_stuck_and_the_supervisor_told",
        # Later findings, corrections, members joining and leaving (issue 20).
        "trafficking_found_after_the_second_counselling_blocks_departure",
        "a_withdrawn_finding_closes_its_steps_and_only_a_proposed_grant_follows",
        "a_corrected_date_of_birth_making_the_principal_a_minor_adds_the_minors_steps",
        # The grant decided after departure (patch grant-after-departure) and the payments the
        # office makes (cash hand-over, bank transfer returned then paid).
        "a_grant_pending_at_departure_is_approved_after_it_and_paid_once",
        "a_grant_missing_at_departure_is_proposed_approved_and_paid_after_it",
        "cash_is_handed_over_against_the_receipt_and_booked_as_recorded",
        "a_transfer_returned_by_the_bank_is_retried_as_a_new_instruction_then_paid",
        # The fee recorded with the embassy's answer (patch embassy-fee), refused in another
        # currency than the project's, then booked.
        "the_fee_recorded_with_the_embassy_answer_is_booked_once_as_recorded",
    ):
        assert scenario in names


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_history_replays(path: Path) -> None:
    events = json.loads(path.read_text())["events"]
    started = events[0]["workflowExecutionStartedEventAttributes"]
    assert started["workflowType"]["name"] == "ReturnCaseWorkflow"
    history = WorkflowHistory.from_json(f"replay-{path.stem}", path.read_text())
    # With the worker's runner (worker.build_worker): the sandbox, as core/workflow_runner wraps it.
    converter = build_data_converter()
    replayer = Replayer(workflows=[ReturnCaseWorkflow], data_converter=converter,
                        workflow_runner=runner_for(converter, SandboxedWorkflowRunner()))
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None


async def test_a_case_run_loads_only_its_workflow_module_afresh_in_the_sandbox(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The sandbox executes anew, for every workflow run, each module it does not pass
    through: a helper module imported the wrong way ("from workflows import calls") cost
    ~25 ms of worker CPU for every case opened or taken back into the cache."""
    import importlib._bootstrap as bootstrap

    loaded: list[str] = []
    load = bootstrap._load_unlocked  # type: ignore[attr-defined]

    def spy(spec: object) -> object:
        loaded.append(spec.name)  # type: ignore[attr-defined]
        return load(spec)

    path = next(p for p in HISTORIES if p.stem.startswith("consent_moves"))
    history = WorkflowHistory.from_json("replay-imports", path.read_text())
    replayer = Replayer(workflows=[ReturnCaseWorkflow], data_converter=build_data_converter())
    await replayer.replay_workflow(history)  # anything imported for the first time, once
    monkeypatch.setattr(bootstrap, "_load_unlocked", spy)
    await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert loaded and set(loaded) <= {"workflows", "workflows.return_case"}
