"""The partner chosen with the returnee before departure: offered the case once the returnee
consents, declining (with a reason) or never answering, both shown to the supervisor; the
caseworker moves the case on to another partner, which gets the pre-arrival package (first,
then on a no-show, the rebooking, a cancellation) and, after departure, the handover."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from activities.partners import SimulatedPartners
from api.stuck import Filters, stuck_cases
from core.settings import Settings
from models.decisions import NoShowDecisionInput, RecordCounsellingInput
from models.enums import NoShowChoice, Relationship, Role, Sex, Stage, StuckReason
from models.partners import NeedsAssessment, Partner
from models.payloads import Actor
from models.reintegration import PartnerAnswer
from models.schemas_partners import ChoosePartnerInput, PartnerAnswerInput
from models.tables import Case, HouseholdMember
from models.timeline import Notification
from models.users import User
from tests.factories import counselling
from tests.workflows.aftercare_steps import Handle, refused, state_of, until
from tests.workflows.scenario import (
    CASEWORKER,
    approve_grant,
    book,
    clients,
    close_case,
    depart,
    person,
    start_case,
    through_clearance,
    through_consent,
    today,
)
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow

EAST = Actor(id="p-east", role=Role.PARTNER, organisation="GE-east")
WHOLE = Actor(id="p-whole", role=Role.PARTNER, organisation="GE-whole")


def add_partners(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Partner(id="GE-east", organisation="East Georgia Partner", country="GE",
                            regions="Kakheti, Tbilisi", contact_email="ops@east.example"))
        session.add(Partner(id="GE-west", organisation="West Georgia Partner", country="GE",
                            regions="Imereti,Adjara", contact_email="ops@west.example"))
        session.add(Partner(id="GE-whole", organisation="Georgia Partner", country="GE",
                            contact_email="ops@whole.example"))
        for user_id, org in (("p-east", "GE-east"), ("p-whole", "GE-whole")):
            session.add(User(id=user_id, username=user_id, full_name=user_id, role=Role.PARTNER,
                             partner_org=org, password_hash="x", email=f"{user_id}@example.org"))
        session.add(User(id="cw-anna", username="cw-anna", full_name="Anna Ozola",
                         password_hash="x", role=Role.CASEWORKER, email="anna@example.org"))
        session.add(User(id="sup-mara", username="sup-mara", full_name="Mara", password_hash="x",
                         role=Role.SUPERVISOR, email="mara@example.org"))
        session.commit()


async def chosen(env: WorkflowEnvironment, settings: Settings, engine: Engine) -> Handle:
    """A case whose caseworker chose GE-east (Tbilisi) at counselling, then took consent."""
    day = await today(env)
    handle = await start_case(env, settings, engine,
                              [person("m1", passport_until=day + timedelta(days=900))],
                              assignee_id="cw-anna")
    await handle.execute_update(ReturnCaseWorkflow.record_counselling,
                                RecordCounsellingInput(session=counselling()))
    # West Georgia does not cover Tbilisi: the choice is among those that serve it.
    reason = await refused(handle, ReturnCaseWorkflow.choose_partner, ChoosePartnerInput(
        actor=CASEWORKER, partner_id="GE-west", region="Tbilisi"))
    assert "not an active partner serving GE (Tbilisi)" in reason
    assert "GE-east, GE-whole" in reason
    state = await handle.execute_update(ReturnCaseWorkflow.choose_partner, ChoosePartnerInput(
        actor=CASEWORKER, partner_id="GE-east", region="Tbilisi"))
    assert state.partner is not None and state.partner.offered_at is None
    case = await projected(engine, state.case_id, state.version)
    assert case.partner_id is None  # not shown to the partner before the consent
    await through_consent(env, handle)
    state = await until(handle, lambda s: s.partner.offered_at is not None)  # type: ignore[union-attr]
    # The offer is projected once its timer's calls are done (the reminder; the proposal to
    # a partner that is another Homeward installation): the partner sees the case then.
    await shown_to(engine, state.case_id, "GE-east")
    return handle


async def shown_to(engine: Engine, case_id: str, partner_id: str) -> None:
    for _ in range(200):
        with Session(engine) as session:
            case = session.get(Case, case_id)
            if case is not None and case.partner_id == partner_id:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the case was never shown to {partner_id}")


async def projected(engine: Engine, case_id: str, version: int) -> Case:
    """The case's row once the projection has written ``version`` of its state."""
    for _ in range(200):
        with Session(engine) as session:
            case = session.get(Case, case_id)
            assert case is not None
            if case.projected_version >= version:
                return case
        await asyncio.sleep(0.05)
    raise AssertionError(f"version {version} never projected")


async def stuck_details(env: WorkflowEnvironment, engine: Engine, case_id: str) -> list[str]:
    """The reasons the supervisors' stuck list gives for the case, now (the server's clock)."""
    now = await env.get_current_time()
    with Session(engine) as session:
        found, _ = await stuck_cases(session, env.client, now,
                                     Filters(reason=StuckReason.DEADLINE_MISSED))
    return [r.detail for c in found if c.case_id == case_id for r in c.reasons]


def told(engine: Engine, case_id: str, user_id: str) -> list[str]:
    with Session(engine) as session:
        rows = session.exec(select(Notification).where(Notification.case_id == case_id)
                            .where(Notification.user_id == user_id)).all()
    return [r.subject.split(": ", 1)[1] for r in rows]



async def delivered(partners: SimulatedPartners, n: int) -> None:
    """Until the simulated partner holds ``n`` packages: the workflow counts a package as it
    sends it, before the delivery's activity has returned (CI once read the third too early)."""
    for _ in range(200):
        if len(partners.received) >= n:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{len(partners.received)} packages delivered, not {n}")

async def test_a_declining_partner_is_replaced_and_the_next_gets_the_pre_arrival_package(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    add_partners(engine)
    sims = clients()
    partners = SimulatedPartners()
    sims.partners = partners
    async with build_worker(time_env.client, settings, engine, clients=sims):
        handle = await chosen(time_env, settings, engine)
        case_id = (await state_of(handle)).case_id
        with Session(engine) as session:
            session.add(NeedsAssessment(case_id=case_id, wants_to_do="open a bakery",
                                        skills="baker", health="", housing="with her sister",
                                        recorded_by="cw-anna"))
            session.add(HouseholdMember(
                id="m1", case_id=case_id, relationship=Relationship.PRINCIPAL,
                given_name="Nino", family_name="Beridze", date_of_birth=date(1990, 4, 1),
                sex=Sex.FEMALE, nationality="GE", passport_number="GE1234567",
                vulnerabilities=["single_parent"]))
            session.commit()
            assert session.get(Case, case_id).partner_id == "GE-east"  # type: ignore[union-attr]
        assert "a returnee's case is proposed to you" in told(engine, case_id, "p-east")
        # Another partner cannot answer for it; a decline says why.
        reason = await refused(handle, ReturnCaseWorkflow.answer_partner_proposal,
                               PartnerAnswerInput(actor=WHOLE, accept=True))
        assert "not proposed to your organisation" in reason
        state = await handle.execute_update(
            ReturnCaseWorkflow.answer_partner_proposal,
            PartnerAnswerInput(actor=EAST, accept=False, reason="no capacity until March"),
        )
        assert state.partner is not None and state.partner.answer == PartnerAnswer.DECLINED
        await projected(engine, case_id, state.version)
        details = await stuck_details(time_env, engine, case_id)
        assert any("GE-east declined the case: no capacity until March" in d for d in details)
        assert "partner declined the case" in told(engine, case_id, "sup-mara")

        # The caseworker moves the case on to the partner covering the whole country.
        await handle.execute_update(ReturnCaseWorkflow.choose_partner, ChoosePartnerInput(
            actor=CASEWORKER, partner_id="GE-whole"))
        await until(handle, lambda s: s.partner.offered_at is not None)  # type: ignore[union-attr]
        state = await handle.execute_update(
            ReturnCaseWorkflow.answer_partner_proposal,
            PartnerAnswerInput(actor=WHOLE, accept=True),
        )
        assert state.partners_before == ["GE-east"]
        assert await stuck_details(time_env, engine, case_id) == []

        # Booked 30 days out: the package goes 3 days before (the policy's default).
        await approve_grant(handle)
        await through_clearance(time_env, handle)
        day = await today(time_env)
        await book(handle, day + timedelta(days=30), escort=True)
        await time_env.sleep(timedelta(days=26))
        assert not partners.received
        await time_env.sleep(timedelta(days=1, hours=1))
        await until(handle, lambda s: s.partner.packages_sent == 1, time_env)  # type: ignore[union-attr]
        await delivered(partners, 1)
        [(partner_id, package, _)] = partners.received.values()
        assert partner_id == "GE-whole" and package.kind == "pre_arrival"
        assert package.reason == "first" and package.travel is not None
        assert package.travel.escort and package.travel.flight
        assert package.travel.departure_date == day + timedelta(days=30)
        assert [t.given_name for t in package.household] == ["Nino"]
        assert package.household[0].vulnerabilities == ["single_parent"]
        assert package.contact is not None
        assert package.contact.name == "Anna Ozola"
        assert package.needs is not None and package.needs.wants_to_do == "open a bakery"
        body = package.model_dump_json()
        assert "GE1234567" not in body and "passport" not in body and "legal_situation" not in body
        assert "location" not in body

        # A no-show and the rebooking: the partner is told each time.
        await time_env.sleep(timedelta(days=4))
        await until(handle, lambda s: s.partner.packages_sent == 2, time_env)  # type: ignore[union-attr]
        state = await handle.execute_update(ReturnCaseWorkflow.decide_no_show, NoShowDecisionInput(
            actor=CASEWORKER, choice=NoShowChoice.REBOOK, reason="missed the bus to the airport",
            new_departure_date=await today(time_env) + timedelta(days=2)))
        state = await until(handle, lambda s: s.partner.packages_sent == 3, time_env)  # type: ignore[union-attr]
        await delivered(partners, 3)
        reasons = [p.reason for _, p, _ in partners.received.values()]
        assert reasons == ["first", "no_show", "rebooked"]

        # After departure the case is handed to the chosen partner, with the flight taken.
        await depart(time_env, handle)
        state = await until(handle, lambda s: s.stage == Stage.ARRIVAL)
        assert state.handover is not None and state.handover.partner_id == "GE-whole"
        handover = [p for _, p, _ in partners.received.values() if p.kind == "handover"]
        assert handover[0].travel is not None and handover[0].travel.status == "flown"


async def test_a_partner_that_never_answers_is_shown_stuck_and_the_supervisor_told(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    add_partners(engine)
    sims = clients()
    partners = SimulatedPartners()
    sims.partners = partners
    async with build_worker(time_env.client, settings, engine, clients=sims):
        handle = await chosen(time_env, settings, engine)
        state = await state_of(handle)
        assert state.partner is not None and state.partner.answer_due is not None
        assert state.partner.answer_due - state.partner.offered_at == timedelta(days=7)  # type: ignore[operator]
        await time_env.sleep(timedelta(days=7, hours=1))
        state = await until(handle, lambda s: s.partner.supervisor_told, time_env)  # type: ignore[union-attr]
        assert "partner has not answered" in told(engine, state.case_id, "sup-mara")
        details = await stuck_details(time_env, engine, state.case_id)
        assert any("GE-east has not accepted or declined the case" in d for d in details)

        # The caseworker moves on to another partner; the old one no longer sees the case.
        state = await handle.execute_update(ReturnCaseWorkflow.choose_partner, ChoosePartnerInput(
            actor=CASEWORKER, partner_id="GE-whole"))
        assert state.partners_before == ["GE-east"]
        await until(handle, lambda s: s.partner.offered_at is not None, time_env)  # type: ignore[union-attr]
        state = await handle.execute_update(ReturnCaseWorkflow.answer_partner_proposal,
                                            PartnerAnswerInput(actor=WHOLE, accept=True))
        case = await projected(engine, state.case_id, state.version)
        assert case.partner_id == "GE-whole"
        assert await stuck_details(time_env, engine, state.case_id) == []

        # Booked within the days before departure: the package goes at once; the case closed
        # (the booking cancelled), the partner is told the travel is cancelled.
        await approve_grant(handle)
        await through_clearance(time_env, handle)
        await book(handle, await today(time_env) + timedelta(days=2))
        await until(handle, lambda s: s.partner.packages_sent == 1, time_env)  # type: ignore[union-attr]
        await close_case(handle)
        assert [p.reason for _, p, _ in partners.received.values()] == ["first", "cancelled"]
        [_, (_, cancelled, _)] = partners.received.values()
        assert cancelled.travel is not None and cancelled.travel.status == "cancelled"
