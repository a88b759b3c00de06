"""Opening a case: the record, its reference, and its workflow, idempotently.

``open_case`` is the one way in, for the JSON API and the web form alike.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import structlog
from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api.project_service import project_for_new_case, project_policy
from core.db import write_transaction
from core.search_attributes import at_start
from core.settings import Settings
from models.enums import Relationship, Role, Vulnerability
from models.payloads import Actor, CaseWorkflowInput, Traveller
from models.policy import CasePolicy
from models.report_data import OutreachContact
from models.schemas import ADULT_AGE, CaseCreate, age_on
from models.tables import Case, HouseholdMember, Project, ReferenceCounter
from workflows.return_case import ReturnCaseWorkflow, workflow_id

log = structlog.get_logger(__name__)


class WorkflowNotStarted(Exception):
    """The case is recorded but Temporal could not be reached to start its workflow: the
    same request again (same idempotency key) starts it."""

    def __init__(self, case: Case) -> None:
        super().__init__(
            f"case {case.reference} was recorded but its workflow could not be started "
            "(Temporal unreachable)"
        )
        self.case = case


def next_reference(session: Session, office: str, year: int) -> str:
    """Take the next number of the office's yearly sequence inside the caller's transaction."""
    bump = (
        update(ReferenceCounter)
        .where(ReferenceCounter.office == office)  # type: ignore[arg-type]
        .where(ReferenceCounter.year == year)  # type: ignore[arg-type]
        .values(last=ReferenceCounter.last + 1)
        .returning(ReferenceCounter.last)  # type: ignore[arg-type]
    )
    number = session.execute(bump).scalar()
    if number is None:
        session.execute(insert(ReferenceCounter).values(office=office, year=year, last=1))
        number = 1
    return f"{office}-{year}-{number:06d}"


def find_by_idempotency_key(session: Session, key: str) -> Case | None:
    return session.exec(select(Case).where(Case.idempotency_key == key)).first()


def insert_case(
    session: Session,
    data: CaseCreate,
    settings: Settings,
    idempotency_key: str | None,
    project_id: str,
    assignee_id: str | None = None,
) -> tuple[Case, bool]:
    """Insert the record; returns (case, created). A concurrent twin with the same key wins."""

    def insert_once() -> tuple[Case, bool]:
        now = datetime.now(UTC)
        case = Case(
            id=str(uuid.uuid4()),
            reference=next_reference(session, settings.office_code, now.year),
            created_at=now,
            updated_at=now,
            idempotency_key=idempotency_key,
            project_id=project_id,
            assignee_id=assignee_id,
            **data.model_dump(
                exclude={"principal", "dependants", "project_id", "outreach_contact_id"}),
        )
        session.add(case)
        try:
            # Flush the case first: the members' foreign key needs it. A twin request with the
            # same key that committed first makes the flush (or the commit) fail.
            session.flush()
            session.add_all(household_rows(case.id, data))
            if data.outreach_contact_id is not None:  # a contact not linked yet
                session.execute(
                    update(OutreachContact)
                    .where(col(OutreachContact.id) == data.outreach_contact_id,
                           col(OutreachContact.case_id).is_(None))
                    .values(case_id=case.id))
            session.commit()
        except IntegrityError:
            session.rollback()
            existing = find_by_idempotency_key(session, idempotency_key) if idempotency_key else None
            if existing is None:
                raise
            return existing, False
        return case, True

    for attempt in range(3):
        try:
            with write_transaction(session):
                return insert_once()
        except IntegrityError:
            # Two first cases of a year raced for the counter row: take the next number.
            session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def household_rows(case_id: str, data: CaseCreate) -> list[HouseholdMember]:
    people = [(Relationship.PRINCIPAL, data.principal)] + [
        (d.relationship, d) for d in data.dependants
    ]
    return [
        HouseholdMember(
            id=str(uuid.uuid4()),
            case_id=case_id,
            position=i,
            relationship=relationship,
            **person.model_dump(exclude={"relationship", "vulnerabilities"}),
            vulnerabilities=[v.value for v in person.vulnerabilities],
        )
        for i, (relationship, person) in enumerate(people)
    ]


def travellers(session: Session, case_id: str, today: date) -> list[Traveller]:
    """The household as the workflow sees it: ids and facts, no names or document numbers."""
    rows = session.exec(
        select(HouseholdMember)
        .where(HouseholdMember.case_id == case_id)
        .where(col(HouseholdMember.removed_at).is_(None))
        .order_by(HouseholdMember.position)  # type: ignore[arg-type]
    ).all()
    return [traveller_of(m, today) for m in rows]


def traveller_of(m: HouseholdMember, today: date) -> Traveller:
    """One person as the workflow sees them; a minor by their age on ``today`` (the day the
    case was opened, for a correction or a member joining later too: one rule per case)."""
    return Traveller(
        member_id=m.id,
        relationship=m.relationship,
        sex=m.sex,
        is_minor=age_on(m.date_of_birth, today) < ADULT_AGE,
        nationality=m.nationality,
        vulnerabilities=[Vulnerability(v) for v in m.vulnerabilities],
        passport_valid_until=m.passport_valid_until,
    )


def with_sla_overrides(policy: CasePolicy, settings: Settings | None) -> CasePolicy:
    """The policy with the installation's overrides (HOMEWARD_TASK_SLA_HOURS, the partner's
    HOMEWARD_PARTNER_ANSWER_DAYS and HOMEWARD_PRE_ARRIVAL_DAYS)."""
    if settings is None:
        return policy
    timing = policy.partners.model_copy(update={
        k: v for k, v in (("answer_days", settings.partner_answer_days),
                          ("pre_arrival_days", settings.pre_arrival_days)) if v is not None
    })
    policy = policy.model_copy(update={"partners": timing})
    if not settings.task_sla_hours:
        return policy
    sla = {**policy.task_sla_hours, **settings.task_sla_hours}
    return policy.model_copy(update={"task_sla_hours": sla})


# The case's columns the workflow starts with, as they are named there: facts, never a name
# (personal data stays out of Temporal payloads).
WORKFLOW_FACTS = {
    "reference", "country_of_origin", "legal_situation", "location_type",
    "return_decision_date", "voluntary_departure_deadline", "preferred_language",
    "destination_city", "assignee_id", "project_id",
}


def workflow_input(
    session: Session, case: Case, settings: Settings | None = None
) -> CaseWorkflowInput:
    """The workflow's input: the case's facts and its project's policy."""
    project = session.get(Project, case.project_id)
    assert project is not None  # foreign key
    return CaseWorkflowInput(
        case_id=case.id,
        household=travellers(session, case.id, case.created_at.date()),
        policy=with_sla_overrides(project_policy(project), settings),
        **case.model_dump(include=WORKFLOW_FACTS),
    )


async def start_case_workflow(
    client: Client, settings: Settings, case: Case, data: CaseWorkflowInput
) -> None:
    """Start the case's workflow; starting it again is harmless (the running one is kept)."""
    await client.start_workflow(
        ReturnCaseWorkflow.run,
        data,
        id=workflow_id(case.id),
        task_queue=settings.temporal_task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        search_attributes=at_start(
            case.stage.value, case.country_of_origin, case.assignee_id, case.project_id
        ),
    )


async def open_case(
    session: Session,
    client: Client,
    settings: Settings,
    data: CaseCreate,
    opener: Actor,
    idempotency_key: str | None,
) -> tuple[Case, bool]:
    """Record the case and start its workflow; returns (case, created). A repeated key gives
    the case it opened (and starts its workflow if that failed the first time).

    Raises ProjectRefused (nothing recorded) or WorkflowNotStarted (recorded, not started).
    """

    def record() -> tuple[Case, bool, CaseWorkflowInput]:
        # Synchronous database work: run in the thread pool, off the event loop.
        existing = find_by_idempotency_key(session, idempotency_key) if idempotency_key else None
        if existing is not None:
            case, created = existing, False
        else:
            project = project_for_new_case(session, data.project_id, settings, date.today())
            # The caseworker who opens a case takes it; a supervisor's new case waits to be
            # assigned.
            assignee = opener.id if opener.role == Role.CASEWORKER else None
            case, created = insert_case(
                session, data, settings, idempotency_key, project.id, assignee
            )
        wf_input = workflow_input(session, case, settings)
        session.close()  # hold no pooled connection while awaiting Temporal
        return case, created, wf_input

    case, created, wf_input = await run_in_threadpool(record)
    try:
        await start_case_workflow(client, settings, case, wf_input)
    except WorkflowAlreadyStartedError:
        pass  # the case's workflow ran and closed before: nothing to start
    except RPCError as err:
        log.warning("workflow start failed", case_id=case.id, error=str(err))
        raise WorkflowNotStarted(case) from err
    if created:
        log.info("case opened", case_id=case.id, reference=case.reference)
    return case, created
