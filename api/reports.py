"""A project's donor report, computed from the case projection and the household tables.

Every event counts for the project the case belonged to on the day of the event (moves
between projects are dated), so a case moved to a follow-on project keeps its earlier
returns in the first project and an as-of report sees the projects as they were then.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, col, or_, select

from models.costs import Cost
from models.enums import (
    ActivityType,
    CaseStatus,
    ClosureReason,
    CostCategory,
    LegalSituation,
    Sex,
    Vulnerability,
)
from models.projects import ProjectActivity, ProjectMove
from models.schemas import age_on
from models.schemas_reports import ActivityFigures, ProjectReport, Spending, TargetProgress
from models.tables import Case, HouseholdMember, Project

AGE_BANDS: list[tuple[int, str]] = [(60, "60+"), (35, "35-59"), (18, "18-34"), (0, "0-17")]
COMPLETED = "completed"  # a case closed with no closure reason ran its course
CENT = Decimal("0.01")
NOTES = [
    (
        "Each figure counts for the project the case belonged to on the day it happened; "
        "each cost for the project it was booked to."
    ),
    (
        "Closure date: the day a case was closed (for cases closed before it was recorded, "
        "their last change)."
    ),
    (
        "Co-financing: the EU share of each category is rounded half up to the cent and the "
        "national share is the rest, so both add up to the total; the totals are the sums "
        "of the categories."
    ),
]


@dataclass(frozen=True)
class Window:
    start: date | None
    end: date

    def holds(self, day: date | None) -> bool:
        return day is not None and (self.start is None or self.start <= day) and day <= self.end


def age_band(age: int) -> str:
    return next(label for lowest, label in AGE_BANDS if age >= lowest)


def project_on(case: Case, moves: list[ProjectMove], day: date) -> str:
    """The project a case belonged to on a day, from its dated moves (oldest first)."""
    before = [m for m in moves if m.moved_at.date() <= day]
    if before:
        return before[-1].to_project_id
    return moves[0].from_project_id if moves else case.project_id


def closed_on(case: Case) -> date | None:
    if case.status != CaseStatus.CLOSED:
        return None
    return case.closed_date or case.updated_at.date()


def split(total: Decimal, eu_percent: Decimal) -> Spending:
    """The EU share rounded half up to the cent, the national share the rest: they always
    add up to the total."""
    eu = (total * Decimal(eu_percent) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return Spending(total=total, eu_share=eu, national_share=total - eu)


def spending(
    session: Session, project: Project, window: Window
) -> tuple[dict[str, Spending], Spending]:
    totals = {c.value: Decimal("0.00") for c in CostCategory}
    query = select(Cost).where(Cost.project_id == project.id)
    query = query.where(col(Cost.incurred_on) <= window.end)
    if window.start is not None:
        query = query.where(col(Cost.incurred_on) >= window.start)
    for cost in session.exec(query).all():
        totals[cost.category.value] += Decimal(cost.amount)
    lines = {c: split(t.quantize(CENT), project.eu_share_percent) for c, t in totals.items()}
    total = Spending(
        total=sum((s.total for s in lines.values()), Decimal("0.00")),
        eu_share=sum((s.eu_share for s in lines.values()), Decimal("0.00")),
        national_share=sum((s.national_share for s in lines.values()), Decimal("0.00")),
    )
    return lines, total


def build_report(session: Session, project: Project, window: Window) -> ProjectReport:
    moves_of: dict[str, list[ProjectMove]] = {}
    for move in session.exec(
        select(ProjectMove)
        .where(or_(ProjectMove.from_project_id == project.id,
                   ProjectMove.to_project_id == project.id))
    ).all():
        moves_of.setdefault(move.case_id, [])
    if moves_of:
        for move in session.exec(
            select(ProjectMove)
            .where(col(ProjectMove.case_id).in_(list(moves_of)))
            .order_by(col(ProjectMove.moved_at), col(ProjectMove.id))
        ).all():
            moves_of[move.case_id].append(move)
    cases = session.exec(
        select(Case).where(or_(Case.project_id == project.id, col(Case.id).in_(list(moves_of))))
    ).all()

    def ours(case: Case, day: date | None) -> bool:
        """The day falls in the window and the case was in this project on that day."""
        if day is None or not window.holds(day):
            return False
        return project_on(case, moves_of.get(case.id, []), day) == project.id

    opened = [c for c in cases if ours(c, c.created_at.date())]
    closed = [c for c in cases if ours(c, closed_on(c))]
    departed = [c for c in cases if ours(c, c.departure_date)]
    reintegrated = [c for c in cases if ours(c, c.reintegration_date)]
    members: dict[str, list[HouseholdMember]] = {c.id: [] for c in departed + reintegrated}
    if members:
        for m in session.exec(
            select(HouseholdMember).where(col(HouseholdMember.case_id).in_(list(members)))
        ).all():
            members[m.case_id].append(m)

    by_country: Counter[str] = Counter()
    by_legal = Counter({s.value: 0 for s in LegalSituation})
    by_vulnerability = Counter({v.value: 0 for v in Vulnerability} | {"none": 0})
    by_sex = Counter({s.value: 0 for s in Sex})
    by_age = Counter({label: 0 for _, label in reversed(AGE_BANDS)})
    for case in departed:
        assert case.departure_date is not None
        for person in members[case.id]:
            by_country[case.country_of_origin] += 1
            by_legal[case.legal_situation.value] += 1
            by_sex[person.sex.value] += 1
            by_age[age_band(age_on(person.date_of_birth, case.departure_date))] += 1
            for v in person.vulnerabilities or ["none"]:
                by_vulnerability[v] += 1
    persons_returned = sum(len(members[c.id]) for c in departed)
    persons_reintegrated = sum(len(members[c.id]) for c in reintegrated)
    spent, spent_total = spending(session, project, window)
    days = [(c.departure_date - c.created_at.date()).days for c in departed]  # type: ignore[operator]

    by_reason = Counter({r.value: 0 for r in ClosureReason} | {COMPLETED: 0})
    for case in closed:
        by_reason[case.closure_reason.value if case.closure_reason else COMPLETED] += 1

    activities = activity_figures(session, project, window)
    achieved: dict[str, int] = {
        "persons_returned": persons_returned,
        "persons_reintegrated": persons_reintegrated,
        "cases_returned": len(departed),
        "cases_reintegrated": len(reintegrated),
        "cases_opened": len(opened),
        "cases_closed": len(closed),
    }
    for kind, figures in activities.items():
        achieved[kind] = figures.activities
        achieved[f"{kind}_participants"] = figures.participants
    return ProjectReport(
        project_id=project.id,
        project_code=project.code,
        project_title=project.title,
        start=window.start,
        end=window.end,
        cumulative=window.start is None,
        persons_returned=persons_returned,
        cases_returned=len(departed),
        cases_opened=len(opened),
        cases_closed=len(closed),
        cases_closed_by_reason=dict(by_reason),
        persons_returned_by_country_of_origin=dict(sorted(by_country.items())),
        persons_returned_by_legal_situation=dict(by_legal),
        persons_returned_by_vulnerability=dict(by_vulnerability),
        persons_returned_by_sex=dict(by_sex),
        persons_returned_by_age_band=dict(by_age),
        average_days_intake_to_departure=round(sum(days) / len(days), 1) if days else None,
        persons_reintegrated=persons_reintegrated,
        cases_reintegrated=len(reintegrated),
        currency=project.currency,
        eu_share_percent=project.eu_share_percent,
        national_share_percent=project.national_share_percent,
        spending_by_category=spent,
        spending_total=spent_total,
        targets=[
            TargetProgress(
                name=name, target=target, achieved=achieved.get(name),
                percent=(
                    round(achieved[name] / target * 100, 1)
                    if target > 0 and name in achieved else None
                ),
            )
            for name, target in project.targets.items()
        ],
        activities_by_type=activities,
        notes=NOTES,
    )


def activity_figures(
    session: Session, project: Project, window: Window
) -> dict[str, ActivityFigures]:
    figures = {t.value: ActivityFigures(activities=0, participants=0) for t in ActivityType}
    query = select(ProjectActivity).where(ProjectActivity.project_id == project.id)
    query = query.where(col(ProjectActivity.held_on) <= window.end)
    if window.start is not None:
        query = query.where(col(ProjectActivity.held_on) >= window.start)
    for activity in session.exec(query).all():
        f = figures[activity.type.value]
        f.activities += 1
        f.participants += activity.participants_count
    return figures
