"""A project's donor report, computed from the case projection and the household tables.

Every event counts for the project the case belonged to on the day of the event (moves
between projects are dated), so a case moved to a follow-on project keeps its earlier
returns in the first project and an as-of report sees the projects as they were then.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlmodel import Session, col, or_, select

from api.indicators import Figures, compute
from api.report_counts import Counts, Window, count_cases, count_unmoved, in_window
from api.report_sections import DEFAULT_THRESHOLD, outreach_figures, reintegration_outcomes
from api.targets import progress, quarters, target_rows
from core.i18n import N_
from models.costs import Cost
from models.enums import ActivityType, ClosureReason, CostCategory
from models.projects import ProjectActivity, ProjectMove
from models.schemas_reports import (
    ActivityFigures,
    OutreachFigures,
    ProjectReport,
    ReintegrationOutcomes,
    Spending,
)
from models.tables import Case, Project

CENT = Decimal("0.01")
# English in the downloads; the web page translates them (reports.html, `|t`).
NOTES = [
    N_(
        "Each figure counts for the project the case belonged to on the day it happened; "
        "each cost for the project it was booked to."
    ),
    N_(
        "Closure date: the day a case was closed (for cases closed before it was recorded, "
        "their last change)."
    ),
    N_(
        "Outreach, monitoring visits, plan components and referrals count for the project a "
        "case belongs to today (moves between projects are not dated for them)."
    ),
    N_(
        "Co-financing: the EU share of each category is rounded half up to the cent and the "
        "national share is the rest, so both add up to the total; the totals are the sums "
        "of the categories."
    ),
]


def split(total: Decimal, eu_percent: Decimal) -> Spending:
    """The EU share rounded half up to the cent, the national share the rest: they always
    add up to the total."""
    eu = (total * Decimal(eu_percent) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return Spending(total=total, eu_share=eu, national_share=total - eu)


SIMULATED_NOTE = (
    "Simulated costs are amounts a simulator made up (development, demonstration or "
    "training systems): nothing was spent. They are left out of spending and of its "
    "co-financing split, and shown apart."
)


def spending(
    session: Session, project: Project, window: Window
) -> tuple[dict[str, Spending], Spending, dict[str, Decimal]]:
    """The period's costs by category, summed by the database in whole cents (exact on
    SQLite too, which stores NUMERIC as floating point); the costs simulators booked apart
    (by category), never in the spending."""
    totals = {c.value: Decimal("0.00") for c in CostCategory}
    simulated = {c.value: Decimal("0.00") for c in CostCategory}
    cents = sa.func.sum(sa.cast(sa.func.round(col(Cost.amount) * 100), sa.BigInteger))
    for category, made_up, total in session.execute(
        sa.select(Cost.category, Cost.simulated, cents)
        .where(col(Cost.project_id) == project.id, in_window(col(Cost.incurred_on), window))
        .group_by(Cost.category, Cost.simulated)
    ).all():
        (simulated if made_up else totals)[category.value] = Decimal(int(total)) / 100
    lines = {c: split(t.quantize(CENT), project.eu_share_percent) for c, t in totals.items()}
    total = Spending(
        total=sum((s.total for s in lines.values()), Decimal("0.00")),
        eu_share=sum((s.eu_share for s in lines.values()), Decimal("0.00")),
        national_share=sum((s.national_share for s in lines.values()), Decimal("0.00")),
    )
    return lines, total, {c: t.quantize(CENT) for c, t in simulated.items()}


def moved_cases(session: Session, project_id: str) -> tuple[list[Case], dict[str, list[ProjectMove]]]:
    """The cases that moved into or out of the project, with all their moves (oldest first)."""
    moves_of: dict[str, list[ProjectMove]] = {}
    for (case_id,) in session.execute(
        sa.select(ProjectMove.case_id).distinct()
        .where(or_(ProjectMove.from_project_id == project_id,
                   ProjectMove.to_project_id == project_id))
    ).all():
        moves_of[case_id] = []
    if not moves_of:
        return [], moves_of
    for move in session.exec(
        select(ProjectMove)
        .where(col(ProjectMove.case_id).in_(list(moves_of)))
        .order_by(col(ProjectMove.moved_at), col(ProjectMove.id))
    ).all():
        moves_of[move.case_id].append(move)
    cases = session.exec(select(Case).where(col(Case.id).in_(list(moves_of)))).all()
    return list(cases), moves_of


def count_figures(session: Session, project: Project, window: Window) -> Counts:
    """The cases that never moved counted by the database, the few that moved one by one
    (each event for the project the case was in that day)."""
    n = count_unmoved(session, project.id, window)
    cases, moves_of = moved_cases(session, project.id)
    n.add(count_cases(session, project.id, window, cases, moves_of))
    return n


def achieved_figures(
    n: Counts, activities: dict[str, ActivityFigures], outreach: OutreachFigures,
    outcomes: ReintegrationOutcomes,
) -> dict[str, int]:
    """Every figure a target can be set on, by name."""
    achieved: dict[str, int] = {
        "persons_returned": n.persons_returned,
        "persons_reintegrated": n.persons_reintegrated,
        "cases_returned": n.returned,
        "cases_reintegrated": n.reintegrated,
        "cases_opened": n.opened,
        "cases_closed": sum(n.closed_by_reason.values()),
        "outreach_contacts": outreach.contacts,
        "outreach_persons_reached": outreach.persons_reached,
        "referrals": int(outcomes.referrals["total"]),
        "components_delivered": sum(
            f.components for f in outcomes.components_delivered_by_level.values()),
        "monitoring_visits": sum(outcomes.visits_by_period.values()),
    }
    for kind, figures in activities.items():
        achieved[kind] = figures.activities
        achieved[f"{kind}_participants"] = figures.participants
    for kind, count in outreach.contacts_by_kind.items():
        achieved[f"{kind}_contacts"] = count
        achieved[f"{kind}_persons_reached"] = outreach.persons_reached_by_kind[kind]
    for level, f in outcomes.components_delivered_by_level.items():
        achieved[f"components_delivered_{level}"] = f.components
    return achieved


def quarterly(session: Session, project: Project, window: Window) -> dict[str, dict[str, int]]:
    """Each quarter of the window -> its achieved figures (for targets split by quarter)."""
    out = {}
    for label, part in quarters(window, project):
        n = count_figures(session, project, part)
        out[label] = achieved_figures(
            n, activity_figures(session, project, part),
            outreach_figures(session, project.id, part),
            reintegration_outcomes(session, project.id, part))
    return out


def build_report(
    session: Session, project: Project, window: Window,
    threshold: Decimal = DEFAULT_THRESHOLD,
) -> ProjectReport:
    """The report's figures and sections; every figure is a count of the window."""
    n = count_figures(session, project, window)
    spent, spent_total, simulated = spending(session, project, window)
    simulated_total = sum(simulated.values(), Decimal("0.00"))
    activities = activity_figures(session, project, window)
    outreach = outreach_figures(session, project.id, window)
    outcomes = reintegration_outcomes(session, project.id, window, threshold)
    achieved = achieved_figures(n, activities, outreach, outcomes)
    breakdowns = {
        "persons_returned": {
            "country_of_origin": dict(n.by_country), "legal_situation": dict(n.by_legal),
            "vulnerability": dict(n.by_vulnerability), "sex": dict(n.by_sex),
            "age_band": dict(n.by_age),
        },
        "outreach_persons_reached": {
            "nationality": outreach.persons_reached_by_nationality,
            "sex": outreach.persons_reached_by_sex,
            "age_band": outreach.persons_reached_by_age_band,
            "kind": outreach.persons_reached_by_kind,
        },
        "outreach_contacts": {"kind": outreach.contacts_by_kind,
                              "place_type": outreach.contacts_by_place_type},
        "cases_closed": {"reason": dict(n.closed_by_reason)},
        "referrals": {"kind": outcomes.referrals["by_kind"],
                      "outcome": outcomes.referrals["by_outcome"]},
        "components_delivered": {
            "level": {k: f.components for k, f in outcomes.components_delivered_by_level.items()},
            "category": {k: f.components
                         for k, f in outcomes.components_delivered_by_category.items()},
        },
    }
    targets = progress(target_rows(session, project.id), achieved, breakdowns,
                       lambda: quarterly(session, project, window))
    indicators, not_computed = compute(Figures(
        persons_returned=n.persons_returned, persons_reintegrated=n.persons_reintegrated,
        training_participants=activities[ActivityType.TRAINING.value].participants,
        average_days_intake_to_departure=(
            round(n.days_to_departure / n.returned, 1) if n.returned else None),
        cases_withdrawn_or_absconded=(
            n.closed_by_reason[ClosureReason.WITHDRAWN.value]
            + n.closed_by_reason[ClosureReason.ABSCONDED.value]),
        cases_opened=n.opened, spending_total=spent_total, outreach=outreach,
        outcomes=outcomes,
    ))
    return ProjectReport(
        project_id=project.id,
        project_code=project.code,
        project_title=project.title,
        start=window.start,
        end=window.end,
        cumulative=window.start is None,
        persons_returned=n.persons_returned,
        cases_returned=n.returned,
        cases_opened=n.opened,
        cases_closed=achieved["cases_closed"],
        cases_closed_by_reason=dict(n.closed_by_reason),
        persons_returned_by_country_of_origin=dict(sorted(n.by_country.items())),
        persons_returned_by_legal_situation=dict(n.by_legal),
        persons_returned_by_vulnerability=dict(n.by_vulnerability),
        persons_returned_by_sex=dict(n.by_sex),
        persons_returned_by_age_band=dict(n.by_age),
        average_days_intake_to_departure=(
            round(n.days_to_departure / n.returned, 1) if n.returned else None
        ),
        persons_reintegrated=n.persons_reintegrated,
        cases_reintegrated=n.reintegrated,
        currency=project.currency,
        eu_share_percent=project.eu_share_percent,
        national_share_percent=project.national_share_percent,
        spending_by_category=spent,
        spending_total=spent_total,
        simulated_costs_by_category=simulated,
        simulated_costs_total=simulated_total,
        targets=targets,
        activities_by_type=activities,
        outreach=outreach,
        reintegration_outcomes=outcomes,
        indicators=indicators,
        indicators_not_computed=not_computed,
        notes=NOTES + ([SIMULATED_NOTE] if simulated_total else []),
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
