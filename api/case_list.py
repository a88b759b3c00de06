"""The case list from the projection, newest first: one query for the API's list and the web
page's, so both filter, page and count the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from api.need_to_know import hidden_cases
from api.people import PersonQuery, cases_of_person, earlier_cases_of
from models.enums import CaseStatus, ClosureReason, Stage, Vulnerability
from models.people import Actor
from models.tables import Case, HouseholdMember


@dataclass(frozen=True)
class CaseFilters:
    """What a list asks for; an empty or None filter is no filter."""

    reference: str | None = None  # part of a reference, in any case
    stage: Stage | None = None
    status: CaseStatus | None = None
    closure_reason: ClosureReason | None = None
    country: str | None = None
    project_id: str | None = None
    vulnerability: Vulnerability | None = None  # of anyone in the household
    assignee_id: str | None = None
    # Someone in the household: a name in any spelling, a date of birth, a document number
    # (api/people.py).
    person: str | None = None
    # Cases opened before this case (an id) that hold one of its people.
    earlier_than: str | None = None
    # Who looks: the restricted cases they may not see are left out (api/need_to_know.py).
    viewer: Actor | None = None

    def conditions(self, references: list[str] | None = None) -> list[Any]:
        """The filters as SQL conditions; ``references``: the references the reference
        filter matches, when list_cases has read them (few: _few_matching)."""
        found: list[Any] = [
            col(column) == value
            for column, value in (
                (Case.stage, self.stage),
                (Case.status, self.status),
                (Case.closure_reason, self.closure_reason),
                (Case.project_id, self.project_id),
                (Case.assignee_id, self.assignee_id),
            )
            if value
        ]
        if references is not None:
            found.append(col(Case.reference).in_(references))
        elif self.reference and self.reference.strip():
            found.append(_reference_like(self.reference))
        if self.country and self.country.strip():
            found.append(col(Case.country_of_origin) == self.country.strip().upper())
        if self.vulnerability:
            # The flags are a JSON list; its text holds each flag quoted, on SQLite and
            # PostgreSQL.
            flagged = select(HouseholdMember.case_id).where(
                sa.cast(HouseholdMember.vulnerabilities, sa.String).contains(
                    f'"{self.vulnerability.value}"'
                )
            )
            found.append(col(Case.id).in_(flagged))
        if self.person and self.person.strip():
            query = PersonQuery.parse(self.person)
            # Typed, but nothing in it to search by: nobody is found.
            found.append(cases_of_person(query) if query else sa.false())
        if self.earlier_than:
            found.extend(earlier_cases_of(self.earlier_than))
        if self.viewer is not None and (hidden := hidden_cases(self.viewer)) is not None:
            found.append(col(Case.id).not_in(hidden))
        return found


# A search by reference that few cases match is answered from the reference index: else
# SQLite walks the newest-first index reading case rows until a page is full, which for a
# whole reference (one match) is every row: 295 ms of CPU for the page at 100,000 cases, 43
# this way (bench/profile_pages.py, the search by a whole reference). The matching
# references are read first from the index alone, stopping past FEW_MATCHES, and the page
# and its count look up just those. A search many cases match fills its page at once the
# other way, which stays its plan.
FEW_MATCHES = 500


def _few_matching(session: Session, reference: str | None) -> list[str] | None:
    """The references that contain ``reference``, if there are at most FEW_MATCHES."""
    if not (reference and reference.strip()):
        return None
    found = session.exec(
        select(Case.reference).where(_reference_like(reference)).limit(FEW_MATCHES + 1)
    ).all()
    return list(found) if len(found) <= FEW_MATCHES else None


def _reference_like(text: str) -> Any:
    return func.upper(Case.reference).contains(text.strip().upper())


def list_cases(
    session: Session, f: CaseFilters, offset: int, limit: int
) -> tuple[list[Case], int]:
    """One page of the matching cases, newest first, and how many match in all."""
    # The total rides on each row as a scalar subquery, so a page and its count come from the
    # same statement (two statements could straddle a projection write and disagree). Not a
    # window function: COUNT(*) OVER () materialises every matching row before the LIMIT
    # (bench/bench_scale.py: p95 over 250 ms at 10,000 cases on SQLite).
    conditions = f.conditions(references=_few_matching(session, f.reference))
    count_query = select(func.count()).select_from(Case).where(*conditions)
    query = select(Case, count_query.scalar_subquery().label("total")).where(*conditions)
    page = session.exec(
        query.order_by(col(Case.created_at).desc(), col(Case.id)).offset(offset).limit(limit)
    ).all()
    if page:
        return [row[0] for row in page], page[0][1]
    if offset == 0:
        return [], 0
    # Past the last page: the total still tells the reader where the end is.
    return [], session.exec(count_query).one()
