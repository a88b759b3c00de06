"""What the travel desk reads: the open booking requests, oldest first, each with what it
needs to book (names, dates of birth, passports, special needs). Used by the JSON API and the
desk's web page; the personal data comes from the database, the request from the workflow."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import date

from sqlmodel import Session, col, select
from temporalio.client import Client

from api.web.live import live_state
from models.enums import TaskKind
from models.payloads import CaseState
from models.schemas_desk import DeskRequestPublic, DeskTraveller
from models.tables import Case, HouseholdMember
from models.tasks import CaseTask


def open_request_rows(session: Session, limit: int = 100) -> list[tuple[CaseTask, Case]]:
    """The cases whose booking request waits for the desk, the longest waiting first."""
    return list(session.exec(  # type: ignore[call-overload]
        select(CaseTask, Case).join(Case, col(Case.id) == col(CaseTask.case_id))
        .where(CaseTask.kind == TaskKind.DESK_BOOKING)
        .order_by(col(CaseTask.since), col(CaseTask.case_id)).limit(limit)
    ).all())


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def travellers(session: Session, case_ids: list[str]) -> dict[str, list[DeskTraveller]]:
    rows = session.exec(
        select(HouseholdMember).where(col(HouseholdMember.case_id).in_(case_ids))
        .order_by(col(HouseholdMember.case_id), col(HouseholdMember.position))
    ).all()
    out: dict[str, list[DeskTraveller]] = defaultdict(list)
    today = date.today()
    for m in rows:
        out[m.case_id].append(DeskTraveller(
            member_id=m.id, given_name=m.given_name, family_name=m.family_name,
            date_of_birth=m.date_of_birth, sex=m.sex.value, nationality=m.nationality,
            passport_number=m.passport_number, passport_valid_until=m.passport_valid_until,
            is_minor=_age(m.date_of_birth, today) < 18,
            special_needs=[v.replace("_", " ") for v in m.vulnerabilities],
        ))
    return out


def request_of(task: CaseTask, case: Case, state: CaseState | None,
               people: list[DeskTraveller]) -> DeskRequestPublic:
    r = state.desk_request if state is not None else None
    return DeskRequestPublic(
        case_id=case.id, reference=case.reference, requested_since=task.since,
        due_at=task.due_at, departure_date=r.departure_date if r else None,
        destination_city=case.destination_city, destination_country=case.country_of_origin,
        escort=r.escort if r else False, transit_assistance=r.transit_assistance if r else False,
        travellers=people,
    )


async def open_requests(session: Session, client: Client) -> list[DeskRequestPublic]:
    """Every open request (the session is closed before Temporal is asked for the live
    states: no connection is held meanwhile)."""
    rows = open_request_rows(session)
    people = travellers(session, [case.id for _, case in rows])
    session.close()
    states = await asyncio.gather(*(live_state(client, case.id) for _, case in rows))
    return [
        request_of(task, case, state, people.get(case.id, []))
        for (task, case), state in zip(rows, states, strict=True)
    ]
