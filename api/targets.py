"""Targets on any reported figure, whole or split by a breakdown, and their progress.

A project's targets are rows of ``project_targets``: a figure's whole target (breakdown and
part empty), or one part of a breakdown (persons_returned by country_of_origin, part GR:
295). A split target's target is the sum of its parts and its achieved the sum of the
parts' achieved: seed 004's 531 = 295 + 186 + 50 is three rows, shown as one target.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from api.report_counts import Window
from core.i18n import N_
from models.report_data import TOTAL, ProjectTarget
from models.schemas_reports import TargetPart, TargetProgress
from models.tables import Project

QUARTER = "quarter"
# The breakdowns a figure's achieved value is counted by (besides the quarter, which any
# counted figure has): figure -> breakdown -> the report's counts by that breakdown.
Breakdowns = dict[str, dict[str, dict[str, int]]]


def quarters(window: Window, project: Project) -> list[tuple[str, Window]]:
    """The calendar quarters the window meets, each cut to the window (a cumulative report
    starts at the project's start)."""
    first = window.start or project.period_start
    out: list[tuple[str, Window]] = []
    year, q = first.year, (first.month - 1) // 3
    while True:
        start = date(year, q * 3 + 1, 1)
        if start > window.end:
            return out
        nxt = date(year + (q == 3), (q + 1) % 4 * 3 + 1, 1)
        end = min(window.end, date.fromordinal(nxt.toordinal() - 1))
        out.append((f"{year}-Q{q + 1}", Window(start=max(start, first), end=end)))
        year, q = year + (q == 3), (q + 1) % 4


def percent(achieved: int | None, target: int) -> float | None:
    return round(achieved / target * 100, 1) if achieved is not None and target > 0 else None


def target_rows(session: Session, project_id: str) -> list[ProjectTarget]:
    return list(session.exec(
        select(ProjectTarget).where(ProjectTarget.project_id == project_id)
        .order_by(col(ProjectTarget.figure), col(ProjectTarget.breakdown), col(ProjectTarget.id))
    ).all())


def progress(
    rows: list[ProjectTarget], achieved: dict[str, int], breakdowns: Breakdowns,
    by_quarter: Callable[[], dict[str, dict[str, int]]],
) -> list[TargetProgress]:
    """Each whole target, and each split target with its parts; ``by_quarter`` (part ->
    figure -> achieved) is only called when a target is split by quarter."""
    quarterly: dict[str, dict[str, int]] | None = None
    out: list[TargetProgress] = []
    groups: dict[tuple[str, str], list[ProjectTarget]] = {}
    for row in rows:
        groups.setdefault((row.figure, row.breakdown), []).append(row)
    for (figure, breakdown), group in groups.items():
        if breakdown == TOTAL:
            for row in group:
                got = achieved.get(figure)
                out.append(TargetProgress(name=figure, target=row.target, achieved=got,
                                          percent=percent(got, row.target)))
            continue
        if breakdown == QUARTER:
            if quarterly is None:
                quarterly = by_quarter()
            counts: dict[str, int] | None = (
                {q: f[figure] for q, f in quarterly.items() if figure in f}
                if figure in achieved else None)
        else:
            counts = breakdowns.get(figure, {}).get(breakdown)
        parts = []
        for row in group:
            got = None if counts is None else counts.get(row.part, 0)
            parts.append(TargetPart(part=row.part, target=row.target, achieved=got,
                                    percent=percent(got, row.target)))
        total = sum(p.target for p in parts)
        got_total = None if counts is None else sum(p.achieved or 0 for p in parts)
        out.append(TargetProgress(name=figure, breakdown=breakdown, target=total,
                                  achieved=got_total, percent=percent(got_total, total),
                                  parts=parts))
    return out


def replace_targets(session: Session, project: Project, rows: list[ProjectTarget]) -> None:
    """The project's targets become ``rows``; the project's named targets (the projects
    API's field) mirror the whole-figure ones."""
    session.execute(sa.delete(ProjectTarget).where(col(ProjectTarget.project_id) == project.id))
    session.flush()
    session.add_all(rows)
    project.targets = {r.figure: r.target for r in rows if r.breakdown == TOTAL}
    session.add(project)


def mirror_named_targets(session: Session, project: Project) -> None:
    """After the projects API set the named targets: the whole-figure rows follow them (the
    split targets stay)."""
    session.execute(sa.delete(ProjectTarget).where(
        col(ProjectTarget.project_id) == project.id, col(ProjectTarget.breakdown) == TOTAL))
    session.add_all(ProjectTarget(project_id=project.id, figure=name, target=value)
                    for name, value in (project.targets or {}).items())


# The breakdowns a split target may use, per figure (the report counts each); "quarter"
# goes with any figure the report counts.
SPLITS: dict[str, frozenset[str]] = {
    "persons_returned": frozenset({"country_of_origin", "legal_situation", "vulnerability",
                                   "sex", "age_band"}),
    "outreach_persons_reached": frozenset({"nationality", "sex", "age_band", "kind"}),
    "outreach_contacts": frozenset({"kind", "place_type"}),
    "cases_closed": frozenset({"reason"}),
    "referrals": frozenset({"kind", "outcome"}),
    "components_delivered": frozenset({"level", "category"}),
}
# The figures and breakdowns as the report page names them (``|human|t``).
SHOWN_NAMES = (
    N_("persons returned"), N_("persons reintegrated"), N_("cases returned"),
    N_("cases reintegrated"), N_("cases opened"), N_("cases closed"), N_("outreach contacts"),
    N_("outreach persons reached"), N_("referrals"), N_("components delivered"),
    N_("monitoring visits"), N_("country of origin"), N_("legal situation"),
    N_("vulnerability"), N_("sex"), N_("age band"), N_("nationality"), N_("kind"),
    N_("place type"), N_("reason"), N_("outcome"), N_("level"), N_("category"),
    N_("quarter"),
)
COUNTED = frozenset({
    "persons_returned", "persons_reintegrated", "cases_returned", "cases_reintegrated",
    "cases_opened", "cases_closed", "outreach_contacts", "outreach_persons_reached",
    "referrals", "components_delivered", "monitoring_visits",
})


def split_refused(figure: str, breakdown: str) -> str | None:
    """Why a figure cannot be split by a breakdown; None: it can."""
    if breakdown == QUARTER:
        return None if figure in COUNTED or figure.endswith(
            ("_participants", "_contacts", "_persons_reached")) or figure.startswith(
            "components_delivered_") else f"{figure} is not a figure the report counts"
    allowed = SPLITS.get(figure)
    if allowed is None:
        return f"{figure} can only be split by quarter"
    if breakdown not in allowed:
        return f"{figure} splits by {', '.join(sorted(allowed | {QUARTER}))}"
    return None
