"""Writes the donor-report dataset (tests/api/report_dataset.py) into the database, as the
API, the projection and the protection pages write it."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.costs import Cost
from models.enums import (
    DIMENSION_OF,
    CaseStatus,
    ComponentKind,
    Relationship,
    Stage,
)
from models.projects import ProjectActivity, ProjectMove
from models.protection import (
    Referral,
    ReferralChannel,
    ReferralConsent,
    ReferralOutcome,
    ServiceKind,
    ServiceProvider,
)
from models.report_data import MonitoringScoreRow, PlanComponentRow
from models.tables import HouseholdMember
from tests.api.report_dataset import (
    ACTIVITIES,
    CASES,
    COMPONENTS,
    COSTS,
    REFERRALS,
    SCORES,
    SIMULATED_COSTS,
    at,
    current_project,
    spec_of,
)
from tests.factories import insert_case


def build_sections(engine: Engine, ids: dict[str, str], project_ids: dict[str, str]) -> None:
    """The plan components, visits and referrals, as the API and the protection pages
    write them."""
    with Session(engine) as session:
        for name, component, kind, level, others, cost, day in COMPONENTS:
            session.add(PlanComponentRow(
                case_id=ids[name], project_id=project_ids[current_project(spec_of(name))],
                component_id=component, kind=kind,
                dimension=DIMENSION_OF[ComponentKind(kind)], level=level,
                other_beneficiaries=others, budget=Decimal("1000.00"), approved=True,
                delivered_on=day, actual_cost=Decimal(cost) if cost else None))
        for name, number, months, day, *scores in SCORES:
            e, so, ps, ov = map(Decimal, scores)
            session.add(MonitoringScoreRow(
                case_id=ids[name], project_id=project_ids[current_project(spec_of(name))],
                number=number, due_on=day, reported_on=day,
                months_after_arrival=months, economic=e, social=so, psychosocial=ps,
                overall=ov))
        for i, (name, kind, outcome, day, after) in enumerate(REFERRALS):
            member = session.exec(select(HouseholdMember).where(
                HouseholdMember.case_id == ids[name])).first()
            assert member is not None
            provider = ServiceProvider(id=f"sp{i}", name=f"provider {i}", country="GE",
                                       kind=ServiceKind(kind))
            consent = ReferralConsent(id=f"rc{i}", case_id=ids[name], member_id=member.id,
                                      given_by="the person", given_on=day,
                                      recorded_by="caseworker")
            session.add_all([provider, consent])
            session.flush()
            session.add(Referral(
                id=f"r{i}", case_id=ids[name], member_id=member.id, provider_id=provider.id,
                consent_id=consent.id, reason="-", channel=ReferralChannel.EMAIL,
                after_return=after, made_by="caseworker", made_by_role="caseworker",
                sent_at=at(day), outcome=ReferralOutcome(outcome) if outcome else None))
        session.commit()


def build(engine: Engine, p: str, q: str) -> dict[str, str]:
    with Session(engine) as session:
        for kind, day, participants in ACTIVITIES:
            session.add(ProjectActivity(project_id=p, type=kind, title=kind, held_on=day,
                                        participants_count=participants))
        session.commit()
    ids: dict[str, str] = {}
    for spec in CASES:
        moved_on = spec.get("moved_on")
        current = q if moved_on or spec.get("project") == "Q" else p
        closed = spec["closed"]
        case = insert_case(
            engine, project_id=current, country_of_origin=spec["country"],
            legal_situation=spec["legal"], created_at=at(spec["created"]),
            updated_at=at(spec.get("last_change") or closed or spec["departed"] or spec["created"]),
            departure_date=spec["departed"], closed_date=closed,
            reintegration_date=spec.get("reintegrated"),
            status=CaseStatus.CLOSED if closed else CaseStatus.ACTIVE,
            stage=Stage.CLOSED if closed else Stage.DEPARTED if spec["departed"] else Stage.INTAKE,
            closure_reason=spec["reason"],
        )
        with Session(engine) as session:
            for i, who in enumerate(spec["people"]):
                session.add(HouseholdMember(
                    id=str(uuid.uuid4()), case_id=case.id, position=i,
                    relationship=Relationship.PRINCIPAL if i == 0 else Relationship.OTHER,
                    given_name="X", family_name="Y", date_of_birth=who["born"], sex=who["sex"],
                    nationality=spec["country"], vulnerabilities=who["vulnerabilities"],
                ))
            if moved_on:
                session.add(ProjectMove(case_id=case.id, from_project_id=p, to_project_id=q,
                                        reason="follow-on", moved_by="supervisor",
                                        moved_at=at(moved_on)))
            session.commit()
        ids[spec["name"]] = case.id
    with Session(engine) as session:
        costs = [(c, False) for c in COSTS] + [(c, True) for c in SIMULATED_COSTS]
        for i, ((name, project, category, amount, day), simulated) in enumerate(costs):
            session.add(Cost(key=f"test:{i}", case_id=ids[name],
                             project_id=p if project == "P" else q, category=category,
                             amount=Decimal(amount), currency="EUR", incurred_on=day,
                             description=name, simulated=simulated))
        session.commit()
    build_sections(engine, ids, {"P": p, "Q": q})
    return ids
