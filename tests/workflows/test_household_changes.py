"""After intake: later findings, corrections and members joining or leaving, before departure."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from models.decisions import (
    ConfirmDepartureInput,
    GrantDecisionInput,
    ProposeGrantInput,
    RecordCounsellingInput,
    RecordStepInput,
)
from models.enums import GrantStatus, Relationship, Sex, Stage, StepKind, Vulnerability
from models.household_changes import (
    AddTravellerInput,
    RecordFindingInput,
    RemoveTravellerInput,
    UpdateTravellerInput,
)
from models.payloads import CaseState
from models.tables import HouseholdMember
from tests.factories import counselling
from tests.workflows.scenario import (
    BORDER_GUARD,
    CASEWORKER,
    SUPERVISOR,
    approve_grant,
    book,
    clients,
    depart,
    person,
    start_case,
    through_clearance,
    through_consent,
    today,
)
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow

Handle = WorkflowHandle[ReturnCaseWorkflow, CaseState]
TRAFFICKING = Vulnerability.TRAFFICKING_VICTIM


async def refused(coro: object) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await coro  # type: ignore[misc]
    cause = err.value.cause
    assert isinstance(cause, ApplicationError)
    return cause.message


def finding(member_id: str, found: bool = True, reason: str | None = "disclosed in session 2",
            flag: Vulnerability = TRAFFICKING) -> RecordFindingInput:
    return RecordFindingInput(actor=CASEWORKER, member_id=member_id, vulnerability=flag,
                              found=found, reason=reason)


def member_row(engine: Engine, case_id: str, member_id: str) -> None:
    with Session(engine) as session:
        session.add(HouseholdMember(
            id=member_id, case_id=case_id, relationship=Relationship.PRINCIPAL,
            given_name="Nino", family_name="Beridze", date_of_birth=date(1990, 4, 1),
            sex=Sex.FEMALE, nationality="GE",
        ))
        session.commit()


def flags_in_db(engine: Engine, member_id: str) -> list[str]:
    with Session(engine) as session:
        row = session.get(HouseholdMember, member_id)
        assert row is not None
        return list(row.vulnerabilities)


async def flags_projected(handle: Handle) -> None:
    """The run loop writes the household's flags after the update returns, then clears its
    mark: wait for that."""
    for _ in range(100):
        if not (await handle.query(ReturnCaseWorkflow.state)).vulnerabilities_changed:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the household's flags were never projected")


async def second_counselling(handle: Handle, day: date) -> None:
    await handle.execute_update(
        ReturnCaseWorkflow.record_counselling,
        RecordCounsellingInput(session=counselling(day), actor=CASEWORKER),
    )


async def test_trafficking_found_after_the_second_counselling_blocks_departure(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        day = await today(time_env)
        mid = str(uuid.uuid4())
        handle = await start_case(
            time_env, settings, engine, [person(mid, passport_until=day + timedelta(days=900))]
        )
        state = await handle.query(ReturnCaseWorkflow.state)
        member_row(engine, state.case_id, mid)
        await second_counselling(handle, day - timedelta(days=7))
        await second_counselling(handle, day)  # trafficking indicators come up here
        state = await handle.execute_update(ReturnCaseWorkflow.record_finding, finding(mid))
        assert [(s.member_id, s.kind) for s in state.steps] == [
            (mid, StepKind.RISK_ASSESSMENT), (mid, StepKind.SPECIALISED_REFERRAL)]
        await flags_projected(handle)
        assert flags_in_db(engine, mid) == ["trafficking_victim"]
        assert "already recorded" in await refused(
            handle.execute_update(ReturnCaseWorkflow.record_finding, finding(mid)))

        state = await through_consent(time_env, handle)
        assert state.stage == Stage.VULNERABILITY
        assert "vulnerability step" in (state.awaiting or "")
        await through_clearance(time_env, handle)
        granted = await approve_grant(handle)
        assert granted.grant is not None and granted.grant.amount == Decimal("600.00")
        state = await book(handle, day + timedelta(days=25))
        flight_day = datetime.combine(day + timedelta(days=25), time(1), tzinfo=UTC)
        await time_env.sleep(flight_day - await time_env.get_current_time())
        departure = ConfirmDepartureInput(
            actor=BORDER_GUARD, booking_ref=state.bookings[0].booking_ref,
            departed_on=day + timedelta(days=25),
        )
        reason = await refused(
            handle.execute_update(ReturnCaseWorkflow.confirm_departure, departure))
        assert "departure is blocked" in reason
        assert "risk_assessment" in reason and "specialised_referral" in reason
        for kind in (StepKind.RISK_ASSESSMENT, StepKind.SPECIALISED_REFERRAL):
            await handle.execute_update(
                ReturnCaseWorkflow.record_vulnerability_step,
                RecordStepInput(actor=CASEWORKER, member_id=mid, kind=kind,
                                completed_on=day + timedelta(days=24)),
            )
        state = await depart(time_env, handle)
        assert state.departed_on == day + timedelta(days=25)
        assert "cannot record a later finding" in await refused(
            handle.execute_update(ReturnCaseWorkflow.record_finding,
                                  finding(mid, flag=Vulnerability.ELDERLY)))


async def test_a_withdrawn_finding_closes_its_steps_and_only_a_proposed_grant_follows(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        day = await today(time_env)
        handle = await start_case(
            time_env, settings, engine, [person("m1", passport_until=day + timedelta(days=900))]
        )
        await through_consent(time_env, handle)
        proposed = await handle.execute_update(
            ReturnCaseWorkflow.propose_grant, ProposeGrantInput(actor=CASEWORKER))
        assert proposed.grant is not None and proposed.grant.amount == Decimal("300.00")
        state = await handle.execute_update(ReturnCaseWorkflow.record_finding, finding("m1"))
        assert state.grant is not None and state.grant.amount == Decimal("600.00")
        assert state.grant.status == GrantStatus.PROPOSED
        assert {s.kind for s in state.steps} == {
            StepKind.RISK_ASSESSMENT, StepKind.SPECIALISED_REFERRAL}

        assert "needs a reason" in await refused(handle.execute_update(
            ReturnCaseWorkflow.record_finding, finding("m1", found=False, reason=None)))
        state = await handle.execute_update(
            ReturnCaseWorkflow.record_finding,
            finding("m1", found=False, reason="the referral found no indicators"))
        assert state.steps == [] and state.household[0].vulnerabilities == []
        assert state.grant is not None and state.grant.amount == Decimal("300.00")
        assert not any("step" in w for w in state.warnings)

        await handle.execute_update(
            ReturnCaseWorkflow.decide_grant,
            GrantDecisionInput(actor=SUPERVISOR, approve=True, reason="per policy"))
        state = await handle.execute_update(
            ReturnCaseWorkflow.record_finding,
            finding("m1", flag=Vulnerability.PREGNANT, reason="a doctor's letter"))
        assert [s.kind for s in state.steps] == [StepKind.FIT_TO_TRAVEL]
        assert state.grant is not None and state.grant.status == GrantStatus.APPROVED
        assert state.grant.amount == Decimal("300.00")  # approved: it stands


async def test_a_corrected_date_of_birth_making_the_principal_a_minor_adds_the_minors_steps(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        day = await today(time_env)
        handle = await start_case(
            time_env, settings, engine, [person("boy", passport_until=day + timedelta(days=900))]
        )
        await through_consent(time_env, handle)
        await handle.execute_update(
            ReturnCaseWorkflow.propose_grant, ProposeGrantInput(actor=CASEWORKER))
        correction = UpdateTravellerInput(
            actor=CASEWORKER, member_id="boy", sex=Sex.MALE, nationality="GE", is_minor=True,
            passport_valid_until=day + timedelta(days=900), fields=["date_of_birth", "sex"],
            reason="birth certificate shows 2010",
        )
        state = await handle.execute_update(ReturnCaseWorkflow.update_traveller, correction)
        boy = state.household[0]
        assert boy.is_minor and boy.sex == Sex.MALE
        assert boy.vulnerabilities == [Vulnerability.UNACCOMPANIED_MINOR]
        assert [s.kind for s in state.steps] == [
            StepKind.GUARDIAN_CONSENT, StepKind.BEST_INTERESTS_ASSESSMENT,
            StepKind.RECEPTION_ARRANGEMENT]
        # A child's base and the unaccompanied minor's top-up, while still proposed.
        assert state.grant is not None and state.grant.amount == Decimal("350.00")
        again = await handle.execute_update(ReturnCaseWorkflow.update_traveller, correction)
        assert again.version == state.version  # the same facts again change nothing

        # An adult joins: the boy is no longer unaccompanied, his undone steps go.
        mother = person("mother", Relationship.SPOUSE, passport_until=day + timedelta(days=900))
        joined = AddTravellerInput(actor=CASEWORKER, traveller=mother, reason="arrived")
        state = await handle.execute_update(ReturnCaseWorkflow.add_traveller, joined)
        assert [m.member_id for m in state.household] == ["boy", "mother"]
        assert state.household[0].vulnerabilities == [] and state.steps == []
        assert state.grant is not None and state.grant.amount == Decimal("450.00")
        # She leaves again: back to an unaccompanied minor and his three steps.
        left = RemoveTravellerInput(actor=CASEWORKER, member_id="mother", reason="stays")
        state = await handle.execute_update(ReturnCaseWorkflow.remove_traveller, left)
        assert [m.member_id for m in state.household] == ["boy"] and len(state.steps) == 3
        assert "principal" in await refused(handle.execute_update(
            ReturnCaseWorkflow.remove_traveller,
            RemoveTravellerInput(actor=CASEWORKER, member_id="boy", reason="x")))
