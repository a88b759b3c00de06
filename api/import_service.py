"""Import of existing cases from CSV: validated case by case, each case all or nothing.

A case (its lines sharing an ``external_ref``) is refused whole when any of its lines is
wrong; the others are imported, each in its own transaction, with their household and
costs. Closed cases are stored as history without a workflow; ongoing ones get a
``CaseState`` at their stage (``workflows/start.py``), and the caller starts their workflow
from it. Reading and validating the file is ``api/import_csv.py``. Running the same
file again imports nothing twice: an ``external_ref`` already in the database is skipped.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from activities.costs import CENT
from activities.partner_package import partner_for
from api.case_service import next_reference, workflow_input
from api.import_csv import (  # ImportFileRefused: the route answers 422 with it
    ImportFileRefused,  # noqa: F401
    read_groups,
    validate,
)
from core.settings import Settings
from models.costs import Cost
from models.enums import CaseStatus, ClosureReason, Relationship, Stage
from models.payloads import CaseState, CaseWorkflowInput, PriorHistory
from models.schemas_import import (
    AFTER_ARRIVAL_STAGES,
    ImportCase,
    ImportedCase,
    ImportPerson,
    ImportReport,
    RefusedCase,
)
from models.tables import Case, HouseholdMember, Project
from workflows.start import state_at_stage

# The imported row's fields a case takes as they are.
CASE_FIELDS = {
    "country_of_origin", "legal_situation", "location_type", "location_name",
    "return_decision_date", "voluntary_departure_deadline", "preferred_language",
    "destination_city", "departure_date", "arrival_date", "reintegration_date",
}


@dataclass
class Outcome:
    report: ImportReport
    to_start: list[tuple[Case, CaseWorkflowInput]]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _closure_reason(case: ImportCase) -> ClosureReason:
    return ClosureReason(case.closure_reason or "completed")


def _state(
    data: ImportCase, wf: CaseWorkflowInput, actor_id: str, partner_id: str | None = None
) -> CaseState:
    """An ongoing case's workflow state at its stage (workflows/start.py)."""
    assert data.stage is not None
    spent = data.cost_reintegration.quantize(CENT) if data.cost_reintegration else None
    prior = PriorHistory(
        stage=data.stage, intake_date=data.intake_date, consent_signed_on=data.consent_signed_on,
        departed_on=data.departure_date, arrived_on=data.arrival_date,
        reintegration_spent=spent, partner_id=partner_id, recorded_by=actor_id,
    )
    return state_at_stage(wf, prior, datetime.now(UTC))


def _insert(
    session: Session, project: Project, settings: Settings, ref: str, data: ImportCase,
    people: list[tuple[int, ImportPerson]], actor_id: str, partner_id: str | None = None,
) -> tuple[Case, CaseWorkflowInput | None]:
    """The case, its household and its costs, in one transaction."""
    now = datetime.now(UTC)
    case = Case(
        id=str(uuid.uuid4()),
        reference=next_reference(session, settings.office_code, data.intake_date.year),
        project_id=project.id,
        created_at=_at(data.intake_date),
        updated_at=now,
        stage=data.stage if data.stage and not data.closed else Stage.CLOSED,
        status=CaseStatus.CLOSED if data.closed else CaseStatus.ACTIVE,
        closure_reason=_closure_reason(data) if data.closed else None,
        closed_date=data.closure_date,
        external_ref=ref,
        partner_id=partner_id,
        **data.model_dump(include=CASE_FIELDS),
    )
    session.add(case)
    session.flush()
    ordered = sorted(people, key=lambda p: p[1].relationship != Relationship.PRINCIPAL)
    for position, (_, person) in enumerate(ordered):
        session.add(HouseholdMember(
            id=str(uuid.uuid4()), case_id=case.id, position=position,
            **person.model_dump(exclude={"vulnerabilities"}),
            vulnerabilities=[v.value for v in person.vulnerabilities],
        ))
    session.flush()
    started: CaseWorkflowInput | None = None
    if not data.closed:
        wf = workflow_input(session, case, settings)
        started = wf.model_copy(
            update={"state": _state(data, wf, actor_id, partner_id)}
        )
    for category, day in data.cost_dates().items():
        amount = getattr(data, f"cost_{category.value}")
        if amount is not None and day is not None:
            session.add(Cost(
                key=f"import:{ref}:{category.value}", case_id=case.id, project_id=project.id,
                category=category, amount=amount.quantize(CENT), currency=project.currency,
                incurred_on=day, description=f"imported: {category.value.replace('_', ' ')}",
            ))
    session.commit()
    return case, started


def import_cases(
    session: Session, project: Project, settings: Settings, content: bytes, actor_id: str
) -> Outcome:
    report = ImportReport(imported=[], already_imported=[], refused=[])
    to_start: list[tuple[Case, CaseWorkflowInput]] = []
    for group in read_groups(content):
        lines = [line for line, _ in group.lines]
        data, people, reasons = validate(group)
        if data is None or group.external_ref is None:
            report.refused.append(RefusedCase(lines=lines, external_ref=group.external_ref,
                                              reasons=reasons))
            continue
        if data.has_costs and data.cost_currency not in (None, project.currency):
            report.refused.append(RefusedCase(
                lines=lines, external_ref=group.external_ref,
                reasons=[(f"line {lines[0]}: cost_currency: the costs are in "
                          f"{data.cost_currency}, but project {project.code} keeps its "
                          f"accounts in {project.currency}; convert them to "
                          f"{project.currency} first (Homeward does not convert currencies)")],
            ))
            continue
        existing = session.exec(select(Case).where(Case.external_ref == group.external_ref)).first()
        partner_id = None
        if existing is None and not data.closed and data.stage in AFTER_ARRIVAL_STAGES:
            partner = partner_for(session, data.country_of_origin)
            if partner is None:
                report.refused.append(RefusedCase(
                    lines=lines, external_ref=group.external_ref,
                    reasons=[(f"line {lines[0]}: stage: a case in {data.stage} was handed over "
                              f"to a partner, but no active reintegration partner serves "
                              f"{data.country_of_origin}; register it under /partners first")],
                ))
                continue
            partner_id = partner.id
        if existing is None:
            try:
                case, wf = _insert(session, project, settings, group.external_ref, data,
                                   people, actor_id, partner_id)
            except IntegrityError:
                session.rollback()  # imported meanwhile by a concurrent run of the file
                existing = session.exec(
                    select(Case).where(Case.external_ref == group.external_ref)
                ).first()
                if existing is None:
                    raise
            else:
                report.imported.append(_entry(lines[0], case))
                if wf is not None:
                    to_start.append((case, wf))
                continue
        report.already_imported.append(_entry(lines[0], existing))
        if existing.status != CaseStatus.CLOSED and existing.project_id == project.id:
            # Started again in case the first run stopped before starting it (harmless).
            wf = workflow_input(session, existing, settings)
            to_start.append((existing, wf.model_copy(
                update={"state": _state(data, wf, actor_id, existing.partner_id)})))
    return Outcome(report=report, to_start=to_start)


def _entry(line: int, case: Case) -> ImportedCase:
    return ImportedCase(line=line, external_ref=case.external_ref or "", case_id=case.id,
                        reference=case.reference, closed=case.status == CaseStatus.CLOSED,
                        stage=case.stage, project_id=case.project_id)


