"""A project's two years of history in the tables, for the donor report and budget benchmark.

``bench.lists.project_directly`` inserts the cases (and the task and deadline rows their
workflows would project); ``fill_history`` then gives them the history a report counts, in
the proportions of the installation measured in issue 25: of every ten cases two are closed
(one after departing, one before), five departed and are in monitoring (half of them
reintegrated), three are still before departure. Each case has 1-4 household members and
its costs (about 2.5 per case: tickets, grants, help on arrival, reintegration, document
fees); every
open case that would have an approved grant or plan holds a budget commitment for it (1.3
per case: the departed ones a grant, fully paid, and a plan, partly or not yet paid; the
others their grant). Everything is written with Core inserts and updates, so the budget's
totals are kept by the database's triggers, as for any writer.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from activities.projection import refresh_due_columns
from models.costs import BudgetCommitment, Cost
from models.enums import (
    DIMENSION_OF,
    CaseStatus,
    ClosureReason,
    ComponentKind,
    ComponentLevel,
    CostCategory,
    LocationType,
    Relationship,
    Sex,
    Stage,
    Vulnerability,
)
from models.report_data import (
    AGE_BAND_LABELS,
    MonitoringScoreRow,
    OutreachContact,
    OutreachReached,
    PlanComponentRow,
)
from models.tables import Case, HouseholdMember
from models.tasks import CaseDeadline, CaseTask

BATCH = 2000
FLAGS = [v.value for v in Vulnerability]
EARLY = [Stage.INTAKE, Stage.ELIGIBILITY, Stage.CONSENT, Stage.TRAVEL_DOCUMENTS, Stage.TRAVEL]


@dataclass
class History:
    cases: int = 0
    members: int = 0
    costs: int = 0
    commitments: int = 0
    open_departed: list[str] | None = None  # cases whose grant a reservation can replace


def _case(rng: random.Random, i: int, today: date) -> dict[str, Any]:
    created = today - timedelta(days=rng.randint(0, 730))
    kind = i % 10
    row: dict[str, Any] = {
        "b_created": datetime.combine(created, time(rng.randint(0, 23), rng.randint(0, 59)),
                                      tzinfo=UTC),
        "b_status": CaseStatus.ACTIVE, "b_stage": rng.choice(EARLY), "b_departure": None,
        "b_arrival": None, "b_reintegration": None, "b_closed": None, "b_reason": None,
    }
    departs = kind in (0, 2, 3, 4, 5, 6)
    if departs:
        departure = min(created + timedelta(days=rng.randint(20, 120)), today)
        row["b_departure"], row["b_arrival"] = departure, departure
        row["b_stage"] = Stage.MONITORING
        if rng.random() < 0.5 and departure + timedelta(days=30) <= today:
            row["b_reintegration"] = departure + timedelta(days=rng.randint(30, 90))
            row["b_reintegration"] = min(row["b_reintegration"], today)
    if kind in (0, 1):
        after = row["b_departure"] or created
        row["b_closed"] = min(after + timedelta(days=rng.randint(10, 200)), today)
        row["b_status"], row["b_stage"] = CaseStatus.CLOSED, Stage.CLOSED
        row["b_reason"] = ClosureReason.COMPLETED if departs else rng.choice(
            [ClosureReason.WITHDRAWN, ClosureReason.ABSCONDED, ClosureReason.NOT_ELIGIBLE])
    row["b_updated"] = datetime.combine(row["b_closed"] or created, time(12), tzinfo=UTC)
    return row


def _people(rng: random.Random, case_id: str, opened: date) -> list[dict[str, Any]]:
    """Born before the case was opened (an adult principal)."""
    return [{
        "id": str(uuid.uuid4()), "case_id": case_id, "position": p,
        "relationship": Relationship.PRINCIPAL if p == 0 else Relationship.CHILD,
        "given_name": "Bench", "family_name": "Person", "nationality": "GE",
        "date_of_birth": opened - timedelta(days=rng.randint(0 if p else 18 * 365, 80 * 365)),
        "sex": rng.choice([Sex.MALE, Sex.FEMALE]),
        "vulnerabilities": rng.sample(FLAGS, rng.randint(1, 2)) if rng.random() < 0.2 else [],
    } for p in range(rng.choice([1, 1, 2, 3, 4]))]


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _spend(rng: random.Random, case_id: str, project_id: str, row: dict[str, Any]
           ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The case's costs and, while it is open, its commitments."""
    costs: list[dict[str, Any]] = []
    commitments: list[dict[str, Any]] = []

    def cost(category: CostCategory, amount: Decimal, day: date) -> None:
        costs.append({"key": f"{case_id}:{category.value}", "case_id": case_id,
                      "project_id": project_id, "category": category, "amount": amount,
                      "currency": "EUR", "incurred_on": day, "description": "bench"})

    def commit(category: CostCategory, amount: Decimal) -> None:
        commitments.append({"key": f"{case_id}:{category.value}", "case_id": case_id,
                            "project_id": project_id, "category": category, "amount": amount,
                            "updated_at": row["b_updated"]})

    created, departed = row["b_created"].date(), row["b_departure"]
    is_open = row["b_status"] != CaseStatus.CLOSED
    grant = _money(rng, 300, 1200)
    if departed is not None:
        cost(CostCategory.TICKET, _money(rng, 285, 475), departed)
        cost(CostCategory.CASH_GRANT, grant, departed)
        if row["b_arrival"] is not None:
            cost(CostCategory.POST_ARRIVAL, _money(rng, 20, 150), row["b_arrival"])
        if is_open:
            plan = _money(rng, 800, 2500)
            commit(CostCategory.CASH_GRANT, grant)  # fully paid
            commit(CostCategory.REINTEGRATION, plan)  # partly paid, or not yet
            if row["b_reintegration"] is not None:
                cost(CostCategory.REINTEGRATION, (plan * Decimal("0.6")).quantize(Decimal("0.01")),
                     row["b_reintegration"])
    elif is_open:
        commit(CostCategory.CASH_GRANT, grant)  # approved, not paid
    if rng.random() < 0.5:
        cost(CostCategory.DOCUMENT_FEE, Decimal("45.00"), created + timedelta(days=5))
    return costs, commitments


def _aftercare(rng: random.Random, row: dict[str, Any], today: date, project_id: str
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A reintegrated case's plan (two components, one delivered) and the scored visits at
    3, 6 and 12 months after arrival that are due by today."""
    components: list[dict[str, Any]] = []
    if row["b_reintegration"] is not None:
        for n, delivered in ((1, row["b_reintegration"]), (2, None)):
            kind = rng.choice(list(ComponentKind))
            level = rng.choices(list(ComponentLevel), weights=(8, 1, 1))[0]
            components.append({
                "case_id": row["b_id"], "project_id": project_id, "component_id": f"c{n}",
                "kind": kind,
                "dimension": DIMENSION_OF[kind], "level": level,
                "other_beneficiaries": rng.randint(5, 50) if level == ComponentLevel.COMMUNITY
                else 0, "budget": _money(rng, 300, 1500), "approved": True,
                "delivered_on": delivered,
                "actual_cost": _money(rng, 300, 1500) if delivered else None})
    scores: list[dict[str, Any]] = []
    if row["b_arrival"] is not None and row["b_reintegration"] is not None:
        for n, months in enumerate((3, 6, 12), start=1):
            due = row["b_arrival"] + timedelta(days=round(months * 30.44))
            if due > today:
                break
            dims = [Decimal(rng.randint(0, 100)) / 100 for _ in range(3)]
            scores.append({
                "case_id": row["b_id"], "project_id": project_id, "number": n, "due_on": due,
                "reported_on": due,
                "months_after_arrival": months, "economic": dims[0], "social": dims[1],
                "psychosocial": dims[2],
                "overall": (sum(dims) / 3).quantize(Decimal("0.01"))})
    return components, scores


def _outreach(rng: random.Random, session: Session, project_id: str, cases: int,
              today: date) -> None:
    """One session or contact per ten cases over the two years, each reaching 1-3 groups."""
    contacts = [{
        "project_id": project_id, "kind": "counselling" if i % 3 else "information_session",
        "place_type": rng.choice(list(LocationType)), "place_name": f"centre {i % 7}",
        "held_on": today - timedelta(days=rng.randint(0, 730)), "recorded_by": "bench",
        "created_at": datetime.now(UTC)} for i in range(cases // 10)]
    _insert(session, OutreachContact, contacts)
    ids = session.exec(select(OutreachContact.id).where(
        OutreachContact.project_id == project_id)).all()
    reached = [{
        "contact_id": contact_id, "nationality": nationality, "sex": rng.choice(list(Sex)),
        "age_band": rng.choice(AGE_BAND_LABELS), "persons": rng.randint(1, 15)}
        for contact_id in ids for nationality in rng.sample(["GE", "UZ", "MD", "UA"],
                                                             rng.randint(1, 3))]
    _insert(session, OutreachReached, reached)


def _insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    for first in range(0, len(rows), BATCH):
        session.execute(sa.insert(table), rows[first:first + BATCH])


def _no_work_when_closed(session: Session, closed: list[str]) -> None:
    """A closed case has no open tasks or deadlines: its projection writes none (and clears
    the case row's earliest due times, which the stuck list and the dashboard count on)."""
    for first in range(0, len(closed), BATCH):
        chunk = closed[first:first + BATCH]
        for table in (CaseTask, CaseDeadline):
            session.execute(sa.delete(table).where(table.case_id.in_(chunk)))  # type: ignore[attr-defined]
        refresh_due_columns(session, chunk)


def fill_history(engine: Engine, project_id: str, seed: int = 25) -> History:
    """Give every case of the project its dates, people, costs and commitments."""
    rng, today, t = random.Random(seed), datetime.now(UTC).date(), Case.__table__.c  # type: ignore[attr-defined]
    history = History(open_departed=[])
    with Session(engine) as session:
        ids = session.exec(select(Case.id).where(Case.project_id == project_id)
                           .order_by(Case.reference)).all()
        dated = [{"b_id": case_id, **_case(rng, i, today)} for i, case_id in enumerate(ids)]
        stmt = sa.update(Case.__table__).where(t.id == sa.bindparam("b_id")).values(  # type: ignore[attr-defined]
            created_at=sa.bindparam("b_created"), updated_at=sa.bindparam("b_updated"),
            status=sa.bindparam("b_status"), stage=sa.bindparam("b_stage"),
            departure_date=sa.bindparam("b_departure"), arrival_date=sa.bindparam("b_arrival"),
            reintegration_date=sa.bindparam("b_reintegration"),
            closed_date=sa.bindparam("b_closed"), closure_reason=sa.bindparam("b_reason"),
        )
        for first in range(0, len(dated), BATCH):
            session.execute(stmt, dated[first:first + BATCH])
        _no_work_when_closed(session, [r["b_id"] for r in dated
                                       if r["b_status"] == CaseStatus.CLOSED])
        people: list[dict[str, Any]] = []
        costs: list[dict[str, Any]] = []
        commitments: list[dict[str, Any]] = []
        for row in dated:
            people += _people(rng, row["b_id"], row["b_created"].date())
            spent, held = _spend(rng, row["b_id"], project_id, row)
            costs += spent
            commitments += held
            if row["b_departure"] is not None and row["b_status"] != CaseStatus.CLOSED:
                history.open_departed.append(row["b_id"])  # type: ignore[union-attr]
        _insert(session, HouseholdMember, people)
        _insert(session, BudgetCommitment, commitments)  # approvals come before payments
        _insert(session, Cost, costs)
        components: list[dict[str, Any]] = []
        scores: list[dict[str, Any]] = []
        for row in dated:
            plan, visits = _aftercare(rng, row, today, project_id)
            components += plan
            scores += visits
        _insert(session, PlanComponentRow, components)
        _insert(session, MonitoringScoreRow, scores)
        _outreach(rng, session, project_id, len(dated), today)
        session.commit()
    history.cases, history.members = len(dated), len(people)
    history.costs, history.commitments = len(costs), len(commitments)
    return history
