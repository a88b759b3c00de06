"""Correcting a person, a member joining or leaving: the database and the case's workflow.

The write order, the same for the three: (1) read and check the request against the database
(404, 422 naming the field); (2) ask the workflow with the facts only (``Traveller``: no name,
no date of birth, no passport number), whose refusal (e.g. the case has departed) is a 409
and leaves the database as it was; (3) write the person and the history in one transaction.

If (3) fails after the workflow accepted, the workflow holds the new facts and the database
the old data: the same request again repairs it. The workflow's updates are idempotent (the
same facts again, a member already added or removed: nothing changes, nothing is recorded
twice) and a member joining takes its id from the request's Idempotency-Key, so a retry
adds no second person. A correction of names or passport number alone changes no fact the
workflow decides on and does not ask it (the right to rectification outlives departure).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from fastapi import HTTPException
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client

from api.case_service import traveller_of
from api.decisions import decide
from core.db import write_transaction
from models.enums import Vulnerability
from models.household_changes import (
    AddTravellerInput,
    RemoveTravellerInput,
    UpdateTravellerInput,
)
from models.payloads import Actor, Traveller
from models.person_changes import CORRECTABLE, JOINED, LEFT, PersonChange
from models.schemas_changes import MemberJoining, PersonCorrection
from models.tables import Case, HouseholdMember
from models.users import User
from workflows.return_case import ReturnCaseWorkflow

FACTS = ("sex", "nationality", "is_minor", "passport_valid_until")


def invalid(field: str, msg: str) -> HTTPException:
    return HTTPException(status_code=422, detail=[
        {"loc": ["body", field], "type": "value_error", "msg": msg}])


def shown(value: Any) -> str | None:
    """A value as the history keeps it: text, dates ISO, enums by value."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def lock_case(session: Session, case: Case) -> None:
    """Lock the case's row before a person's: every writer takes the case first (the
    projection writes the case, then its people's flags; a person's write re-derives the
    case's restriction), so on PostgreSQL two of them never wait for each other in a ring."""
    session.exec(select(Case.id).where(col(Case.id) == case.id).with_for_update()).one()


def member_of(session: Session, case: Case, member_id: str) -> HouseholdMember:
    member = session.get(HouseholdMember, member_id)
    if member is None or member.case_id != case.id:
        raise HTTPException(status_code=404, detail="no such person on this case")
    return member


def _changed(member: HouseholdMember, data: PersonCorrection) -> dict[str, tuple[Any, Any]]:
    """field -> (old, new) for every given value that differs from the record; 422 if the
    result would not hold together."""
    changed = {
        name: (getattr(member, name), value)
        for name, value in data.corrections().items()
        if getattr(member, name) != value
    }
    if not changed:
        raise invalid(next(iter(data.corrections()), "reason"),
                      "nothing to correct: the record already holds these values")
    number = changed.get("passport_number", (None, member.passport_number))[1]
    valid_until = changed.get("passport_valid_until", (None, member.passport_valid_until))[1]
    if number and valid_until is None:
        raise invalid("passport_valid_until", "is required with a passport_number")
    return changed


def _facts(member: HouseholdMember, case: Case, changed: dict[str, tuple[Any, Any]]
           ) -> tuple[Traveller, Traveller]:
    before = traveller_of(member, case.created_at.date())
    after_row = member.model_copy(update={k: new for k, (_, new) in changed.items()})
    return before, traveller_of(after_row, case.created_at.date())


def _history(case: Case, member_id: str, actor: Actor, reason: str,
             rows: list[tuple[str, Any, Any]]) -> list[PersonChange]:
    now = datetime.now(UTC)
    return [
        PersonChange(id=str(uuid.uuid4()), case_id=case.id, member_id=member_id, field=field,
                     old_value=shown(old), new_value=shown(new), reason=reason,
                     changed_by=actor.id, changed_at=now)
        for field, old, new in rows
    ]


async def correct_person(engine: Engine, client: Client, case: Case, member_id: str,
                         data: PersonCorrection, actor: Actor) -> HouseholdMember:
    """Correct the given fields of one person, keeping each old value in the history."""

    def read() -> tuple[dict[str, tuple[Any, Any]], Traveller, Traveller]:
        with Session(engine) as session:
            member = member_of(session, case, member_id)
            if member.removed_at is not None:
                raise HTTPException(status_code=409, detail="this person left the household")
            changed = _changed(member, data)
            return (changed, *_facts(member, case, changed))

    changed, before, after = await run_in_threadpool(read)
    if any(getattr(before, f) != getattr(after, f) for f in FACTS):
        await decide(client, case.id, ReturnCaseWorkflow.update_traveller, UpdateTravellerInput(
            actor=actor, member_id=member_id, sex=after.sex, nationality=after.nationality,
            is_minor=after.is_minor, passport_valid_until=after.passport_valid_until,
            fields=[f for f in CORRECTABLE if f in changed], reason=data.reason,
        ))

    def write() -> HouseholdMember:
        with Session(engine) as session, write_transaction(session):
            lock_case(session, case)
            member = member_of(session, case, member_id)
            if any(getattr(member, k) != old for k, (old, _) in changed.items()):
                # Someone else corrected it meanwhile: theirs stands, this one is not applied.
                raise HTTPException(status_code=409, detail=(
                    "the record was changed meanwhile: read it again and correct what remains"))
            for name, (_, new) in changed.items():
                setattr(member, name, new)  # the search keys follow (models/tables.py)
            session.add(member)
            session.add_all(_history(case, member_id, actor, data.reason, [
                (f, *changed[f]) for f in CORRECTABLE if f in changed]))
            session.commit()
            session.refresh(member)
            return member

    return await run_in_threadpool(write)


def joining_id(case: Case, idempotency_key: str) -> str:
    """The new member's id from the request's key: a retried request names the same person."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"homeward:{case.id}:member:{idempotency_key}"))


async def add_member(engine: Engine, client: Client, case: Case, data: MemberJoining,
                     actor: Actor, idempotency_key: str) -> HouseholdMember:
    """A person joins the household before departure: the workflow gets the facts first."""
    if Vulnerability.UNACCOMPANIED_MINOR in data.vulnerabilities:
        raise invalid("vulnerabilities", "unaccompanied_minor follows from the household's ages")
    member_id = joining_id(case, idempotency_key)
    person = data.model_dump(exclude={"reason"})
    row = HouseholdMember(
        id=member_id, case_id=case.id, **person | {
            "vulnerabilities": [v.value for v in data.vulnerabilities]},
    )
    traveller = traveller_of(row, case.created_at.date())
    state = await decide(client, case.id, ReturnCaseWorkflow.add_traveller,
                         AddTravellerInput(actor=actor, traveller=traveller, reason=data.reason))
    # The flags as the workflow derived them (a minor alone becomes unaccompanied): its
    # projection may run before this row exists, so the row takes them from its answer.
    joined = next((m for m in state.household if m.member_id == member_id), None)
    if joined is not None:
        row.vulnerabilities = [v.value for v in joined.vulnerabilities]

    def write() -> HouseholdMember:
        with Session(engine) as session, write_transaction(session):
            lock_case(session, case)
            existing = session.get(HouseholdMember, member_id)
            if existing is not None:
                return existing  # the same request again: added already
            last = session.exec(select(func.max(HouseholdMember.position))
                                .where(HouseholdMember.case_id == case.id)).one()
            row.position = (last or 0) + 1
            session.add(row)
            session.flush()
            session.add_all(_history(case, member_id, actor, data.reason,
                                     [(JOINED, None, data.relationship)]))
            session.commit()
            session.refresh(row)
            return row

    return await run_in_threadpool(write)


async def remove_member(engine: Engine, client: Client, case: Case, member_id: str,
                        reason: str, actor: Actor) -> HouseholdMember:
    """A person leaves the household before departure: kept in the database, marked removed."""

    def read() -> None:
        with Session(engine) as session:
            member_of(session, case, member_id)

    await run_in_threadpool(read)
    await decide(client, case.id, ReturnCaseWorkflow.remove_traveller,
                 RemoveTravellerInput(actor=actor, member_id=member_id, reason=reason))

    def write() -> HouseholdMember:
        with Session(engine) as session, write_transaction(session):
            lock_case(session, case)
            member = member_of(session, case, member_id)
            if member.removed_at is None:
                member.removed_at, member.removal_reason = datetime.now(UTC), reason
                session.add(member)
                session.add_all(_history(case, member_id, actor, reason,
                                         [(LEFT, member.relationship, None)]))
                session.commit()
                session.refresh(member)
            return member

    return await run_in_threadpool(write)


def changes(session: Session, case_id: str, member_id: str | None = None
            ) -> list[dict[str, Any]]:
    """The history of a case's people (or one person's), oldest first, with who changed it."""
    query = (
        select(PersonChange, User.full_name)
        .join(User, col(User.id) == col(PersonChange.changed_by), isouter=True)
        .where(PersonChange.case_id == case_id)
        .order_by(col(PersonChange.changed_at), col(PersonChange.field))
    )
    if member_id is not None:
        query = query.where(PersonChange.member_id == member_id)
    return [{**c.model_dump(), "changed_by_name": name} for c, name in session.exec(query).all()]
