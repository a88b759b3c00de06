"""The report's sections beyond returns and money: outreach without a case, reintegration
outcomes (sustainability by visit, referrals, plan components by category and level).

Each counts what happened in the report's window for the project's cases (their project
today: unlike returns, these are not split by dated moves between projects) or, for
outreach, what the project recorded. The plan and visit rows carry their case's project, so
a report reads a period's rows from an index instead of the project's whole list of cases.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from api.referral_counts import referral_counts
from api.report_counts import Window, in_window
from core.i18n import N_, pgettext
from models.enums import ComponentKind, ComponentLevel, LocationType, Sex
from models.report_data import (
    AGE_BAND_LABELS,
    MonitoringScoreRow,
    OutreachContact,
    OutreachKind,
    OutreachReached,
    PlanComponentRow,
)
from models.schemas_reports import ComponentFigures, OutreachFigures, ReintegrationOutcomes

# Sustainability score bands (scores run 0.00-1.00, two decimals): lowest score of each.
SCORE_BANDS: list[tuple[Decimal, str]] = [
    (Decimal("0.75"), "0.75-1.00"), (Decimal("0.50"), "0.50-0.74"),
    (Decimal("0.25"), "0.25-0.49"), (Decimal("0.00"), "0.00-0.24"),
]
PERIODS = ("3", "6", "12")  # months after arrival the report shows apart; others: "other"
SCORED = ("economic", "social", "psychosocial", "overall")
# The dimensions as the page names them (``pgettext("dimension", ...)``: "psychosocial"
# alone is a kind of service), and the visits of no listed period (``|t``).
SHOWN_NAMES = (pgettext("dimension", "economic"), pgettext("dimension", "social"),
               pgettext("dimension", "psychosocial"), pgettext("dimension", "overall"),
               N_("other"))
DEFAULT_THRESHOLD = Decimal("0.66")


def score_band(score: Decimal) -> str:
    return next(label for lowest, label in SCORE_BANDS if score >= lowest)


def outreach_figures(session: Session, project_id: str, window: Window) -> OutreachFigures:
    contacts = session.execute(
        sa.select(OutreachContact.kind, OutreachContact.place_type,
                  sa.func.count(), sa.func.count(OutreachContact.case_id))
        .where(col(OutreachContact.project_id) == project_id,
               in_window(col(OutreachContact.held_on), window))
        .group_by(OutreachContact.kind, OutreachContact.place_type)
    ).all()
    by_kind: Counter[str] = Counter({k.value: 0 for k in OutreachKind})
    by_place: Counter[str] = Counter({p.value: 0 for p in LocationType})
    linked = 0
    for kind, place, count, with_case in contacts:
        by_kind[kind.value] += count
        by_place[place.value] += count
        linked += with_case
    persons_by_kind: Counter[str] = Counter({k.value: 0 for k in OutreachKind})
    nationality: Counter[str] = Counter()
    sex: Counter[str] = Counter({s.value: 0 for s in Sex})
    age: Counter[str] = Counter({label: 0 for label in AGE_BAND_LABELS})
    for kind, nat, who, band, persons in session.execute(
        sa.select(OutreachContact.kind, OutreachReached.nationality, OutreachReached.sex,
                  OutreachReached.age_band, sa.func.sum(OutreachReached.persons))
        .join(OutreachContact, col(OutreachContact.id) == col(OutreachReached.contact_id))
        .where(col(OutreachContact.project_id) == project_id,
               in_window(col(OutreachContact.held_on), window))
        .group_by(OutreachContact.kind, OutreachReached.nationality, OutreachReached.sex,
                  OutreachReached.age_band)
    ).all():
        persons = int(persons)
        persons_by_kind[kind.value] += persons
        nationality[nat] += persons
        sex[who.value] += persons
        age[band] += persons
    return OutreachFigures(
        contacts=sum(by_kind.values()), contacts_by_kind=dict(by_kind),
        contacts_by_place_type=dict(by_place), persons_reached=sum(sex.values()),
        persons_reached_by_kind=dict(persons_by_kind),
        persons_reached_by_nationality=dict(sorted(nationality.items())),
        persons_reached_by_sex=dict(sex), persons_reached_by_age_band=dict(age),
        contacts_followed_by_a_case=linked,
    )


def period_of(months: int | None) -> str:
    return str(months) if months is not None and str(months) in PERIODS else "other"


def reintegration_outcomes(
    session: Session, project_id: str, window: Window,
    threshold: Decimal = DEFAULT_THRESHOLD,
) -> ReintegrationOutcomes:
    distribution = {
        p: {d: {label: 0 for _, label in reversed(SCORE_BANDS)} for d in SCORED}
        for p in (*PERIODS, "other")
    }
    visits: Counter[str] = Counter({p: 0 for p in (*PERIODS, "other")})
    above: Counter[str] = Counter({d: 0 for d in SCORED})
    at_12 = 0
    columns = [getattr(MonitoringScoreRow, d) for d in SCORED]

    def band(column: Any) -> Any:  # the score's band, by the database (one row per group)
        return sa.case(*((column >= sa.literal(lowest, sa.Numeric(4, 2)), label)
                         for lowest, label in SCORE_BANDS[:-1]), else_=SCORE_BANDS[-1][1])

    def reaches(column: Any) -> Any:
        return sa.func.sum(sa.case((column >= sa.literal(threshold, sa.Numeric(4, 2)), 1),
                                   else_=0))

    months = col(MonitoringScoreRow.months_after_arrival)
    ours = sa.and_(col(MonitoringScoreRow.project_id) == project_id,
                   in_window(col(MonitoringScoreRow.reported_on), window))
    # The same expressions in the select and the GROUP BY (PostgreSQL matches them by text,
    # bound parameters included).
    bands_of = [band(c) for c in columns]
    for month, *rest in session.execute(
        sa.select(months, *bands_of, sa.func.count(), *(reaches(c) for c in columns))
        .where(ours).group_by(months, *bands_of)
    ).all():
        period = period_of(month)
        bands, count, reached = rest[:4], rest[4], rest[5:]
        visits[period] += count
        for dimension, label in zip(SCORED, bands, strict=True):
            distribution[period][dimension][label] += count
        if period == "12":
            at_12 += count
            for dimension, n in zip(SCORED, reached, strict=True):
                above[dimension] += int(n or 0)
    share = {d: (round(above[d] / at_12 * 100, 1) if at_12 else None) for d in SCORED}

    def figures() -> ComponentFigures:
        return ComponentFigures(components=0, actual_cost=Decimal("0.00"))

    by_kind = {k.value: figures() for k in ComponentKind}
    by_level = {lv.value: figures() for lv in ComponentLevel}
    both = {lv.value: {k.value: 0 for k in ComponentKind} for lv in ComponentLevel}
    others = 0
    cents = sa.func.sum(sa.cast(sa.func.round(
        sa.func.coalesce(col(PlanComponentRow.actual_cost), 0) * 100), sa.BigInteger))
    for kind, level, count, cost, beneficiaries in session.execute(
        sa.select(PlanComponentRow.kind, PlanComponentRow.level, sa.func.count(), cents,
                  sa.func.sum(PlanComponentRow.other_beneficiaries))
        .where(col(PlanComponentRow.project_id) == project_id,
               in_window(col(PlanComponentRow.delivered_on), window))
        .group_by(PlanComponentRow.kind, PlanComponentRow.level)
    ).all():
        amount = Decimal(int(cost or 0)) / 100
        for f in (by_kind[kind.value], by_level[level.value]):
            f.components += count
            f.actual_cost += amount
        both[level.value][kind.value] += count
        if level == ComponentLevel.COMMUNITY:
            others += int(beneficiaries or 0)
    return ReintegrationOutcomes(
        sustainability_threshold=threshold,
        visits_by_period=dict(visits),
        sustainability_distribution=distribution,
        share_above_threshold_at_12_months=share,
        referrals=referral_counts(session, project_id, window),
        components_delivered_by_category=by_kind,
        components_delivered_by_level=by_level,
        components_delivered_by_level_and_category=both,
        community_other_beneficiaries=others,
    )
