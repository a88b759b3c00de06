"""Import of existing cases from CSV: validated case by case, each case all or nothing.

A case (its lines sharing an ``external_ref``) is refused whole when any of its lines is
wrong; the others are imported, each in its own transaction, with their household and
costs. Closed cases are stored as history without a workflow; ongoing ones get a
``CaseState`` at their stage, and the caller starts their workflow from it. Running the same
file again imports nothing twice: an ``external_ref`` already in the database is skipped.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from activities.costs import CENT
from activities.partners import partner_for
from api.case_service import next_reference, workflow_input
from core.settings import Settings
from models.costs import Cost
from models.enums import CaseStatus, ClosureReason, PlanStatus, Relationship, Stage
from models.payloads import CaseState, CaseWorkflowInput, Consent, Eligibility, StageChange
from models.reintegration import Handover, MonitoringVisit, ReintegrationPlan
from models.schemas_import import (
    AFTER_ARRIVAL_STAGES,
    CASE_COLUMNS,
    PERSON_COLUMNS,
    REQUIRED_COLUMNS,
    STAGES,
    ImportCase,
    ImportedCase,
    ImportPerson,
    ImportReport,
    RefusedCase,
)
from models.tables import Case, HouseholdMember, Project
from workflows import rules, tasks
from workflows.aftercare import add_months
from workflows.aftercare_checks import plan_cap

MAX_CASE_LINES = 21  # a principal and at most 20 dependants, as POST /cases allows
CASE_FIELDS = {
    "country_of_origin", "legal_situation", "location_type", "location_name",
    "return_decision_date", "voluntary_departure_deadline", "preferred_language",
    "destination_city",
}


class ImportFileRefused(Exception):
    """The file as a whole cannot be read (encoding, header); nothing is imported."""


@dataclass
class Group:
    external_ref: str | None
    lines: list[tuple[int, dict[str, str | None]]] = field(default_factory=list)


@dataclass
class Outcome:
    report: ImportReport
    to_start: list[tuple[Case, CaseWorkflowInput]]


def read_groups(content: bytes) -> list[Group]:
    """The file's lines grouped by external_ref, in the order of their first line."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ImportFileRefused(f"the file is not UTF-8 text: {err}") from err
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if not header:
        raise ImportFileRefused("the file is empty: a header line is needed")
    unknown = [h for h in header if h not in PERSON_COLUMNS + CASE_COLUMNS]
    missing = [h for h in REQUIRED_COLUMNS if h not in header]
    if unknown or missing or len(set(header)) != len(header):
        problems = []
        if missing:
            problems.append(f"missing columns: {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown columns: {', '.join(unknown)}")
        if len(set(header)) != len(header):
            problems.append("a column appears twice")
        raise ImportFileRefused("; ".join(problems))
    reader.fieldnames = header
    groups: dict[str, Group] = {}
    anonymous: list[Group] = []
    for row in reader:
        if None in row:
            extra = Group(external_ref=None, lines=[(reader.line_num, {"__extra__": "x"})])
            anonymous.append(extra)
            continue
        values = {k: (v.strip() or None) if v is not None else None for k, v in row.items()}
        if not any(values.values()):
            continue  # an empty line
        ref = values.get("external_ref")
        if ref is None:
            anonymous.append(Group(external_ref=None, lines=[(reader.line_num, values)]))
            continue
        groups.setdefault(ref, Group(external_ref=ref)).lines.append((reader.line_num, values))
    ordered = sorted([*groups.values(), *anonymous], key=lambda g: g.lines[0][0])
    return ordered


def _errors(line: int, err: ValidationError) -> list[str]:
    out = []
    for e in err.errors(include_url=False, include_context=False):
        where = ".".join(str(part) for part in e["loc"])
        msg = e["msg"].removeprefix("Value error, ")
        out.append(f"line {line}: {where}: {msg}" if where else f"line {line}: {msg}")
    return out


def _pick(values: dict[str, str | None], columns: Iterable[str]) -> dict[str, Any]:
    return {c: values[c] for c in columns if values.get(c) is not None}


def validate(group: Group) -> tuple[ImportCase | None, list[tuple[int, ImportPerson]], list[str]]:
    """The case and its people, or the reasons the case is refused."""
    reasons: list[str] = []
    people: list[tuple[int, ImportPerson]] = []
    case: ImportCase | None = None
    if group.external_ref is None:
        line, values = group.lines[0]
        if "__extra__" in values:
            return None, [], [f"line {line}: more values than columns"]
        return None, [], [f"line {line}: external_ref: required (it identifies the case)"]
    if len(group.external_ref) > 100:
        reasons.append(f"line {group.lines[0][0]}: external_ref: at most 100 characters")
    if len(group.lines) > MAX_CASE_LINES:
        reasons.append(f"line {group.lines[0][0]}: more than {MAX_CASE_LINES} people in a case")
    principals = [line for line, v in group.lines if v.get("relationship") == "principal"]
    if len(principals) != 1:
        where = ", ".join(map(str, principals)) or "none"
        reasons.append(f"line {group.lines[0][0]}: a case needs exactly one principal "
                       f"line (found: {where})")
    for line, values in group.lines:
        person = _pick(values, PERSON_COLUMNS[1:])
        if "vulnerabilities" in person:
            person["vulnerabilities"] = [v.strip() for v in person["vulnerabilities"].split(";")
                                         if v.strip()]
        try:
            people.append((line, ImportPerson.model_validate(person)))
        except ValidationError as err:
            reasons += _errors(line, err)
        case_values = _pick(values, CASE_COLUMNS)
        if values.get("relationship") == "principal" and len(principals) == 1:
            try:
                case = ImportCase.model_validate(case_values)
            except ValidationError as err:
                reasons += _errors(line, err)
        elif case_values:
            reasons.append(f"line {line}: {', '.join(case_values)}: the case's columns go on "
                           "the principal's line only")
    return (case if not reasons else None), people, reasons


def _at(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _closure_reason(case: ImportCase) -> ClosureReason | None:
    reason = case.closure_reason or "completed"
    if reason != "completed":
        return ClosureReason(reason)
    # "completed" (or empty): stored as none, which reports count as completed, until the
    # after-arrival phase's ClosureReason.COMPLETED exists.
    known = {r.value for r in ClosureReason}
    return ClosureReason("completed") if "completed" in known else None


def _state(
    case: Case, data: ImportCase, wf: CaseWorkflowInput, actor_id: str,
    partner_id: str | None = None,
) -> CaseState:
    """An ongoing case's workflow state at its stage, with what its stage implies done."""
    assert data.stage is not None
    reached = STAGES.index(data.stage)
    now = datetime.now(UTC)
    intake = _at(data.intake_date)
    steps = rules.steps_for(wf.household)
    if reached > STAGES.index(Stage.VULNERABILITY):
        for step in steps:
            step.done, step.completed_by = True, actor_id
            step.notes = "done before the case was imported"
    state = CaseState(
        **wf.model_dump(exclude={"state", "household", "policy"}),
        household=wf.household,
        policy=wf.policy,
        stage=data.stage,
        steps=steps,
        departed_on=data.departure_date,
        stage_history=[StageChange(stage=data.stage, at=now)],
        updated_at=now,
    )
    if reached > STAGES.index(Stage.ELIGIBILITY):
        state.eligibility = Eligibility(
            assessed_by=actor_id, eligible=True, notes="assessed before the case was imported",
            assessed_at=intake, decided_by=actor_id, approved=True,
        )
    if data.consent_signed_on is not None and reached > STAGES.index(Stage.CONSENT):
        state.consent = Consent(
            declaration_signed_on=data.consent_signed_on, share_with_authorities=True,
            share_with_partner=True, witnessed_by="recorded before the case was imported",
            recorded_by=actor_id,
        )
    if data.stage in (Stage.DEPARTED, Stage.ARRIVAL):
        # Handed over by the workflow as soon as it starts; then it waits for the arrival.
        state.stage, state.handover_due = Stage.DEPARTED, True
    elif data.stage in AFTER_ARRIVAL_STAGES:
        _after_arrival(state, data, partner_id or "", actor_id, now)
    # The first run projects the imported state (partner, awaiting) at once.
    state.awaiting = tasks.awaiting(state)
    state.unprojected = True
    return state


def _after_arrival(
    state: CaseState, data: ImportCase, partner_id: str, actor_id: str, now: datetime
) -> None:
    """A case that arrived before the import: handed over, arrival confirmed; in monitoring
    or closure its plan counts as approved (its lines were delivered outside Homeward) and
    only visits still ahead are scheduled."""
    assert data.departure_date is not None and data.arrival_date is not None
    state.handover = Handover(partner_id=partner_id, handed_over_at=_at(data.departure_date),
                              partner_ref="imported")
    state.arrival.confirmed_on, state.arrival.confirmed_by = data.arrival_date, actor_id
    if data.stage == Stage.REINTEGRATION:
        return
    cap, _ = plan_cap(state)
    total = data.cost_reintegration.quantize(CENT) if data.cost_reintegration else CENT * 0
    state.plan = ReintegrationPlan(
        components=[], currency=state.policy.reintegration.currency, total=total, cap=cap,
        status=PlanStatus.APPROVED, proposed_by=actor_id, proposed_at=now, decided_by=actor_id,
        reason="approved before the case was imported",
    )
    today = now.date()
    months = state.policy.aftercare.monitoring_months if data.stage == Stage.MONITORING else []
    state.monitoring.visits = [
        MonitoringVisit(number=i + 1, due_on=add_months(data.arrival_date, m))
        for i, m in enumerate(months)
        if add_months(data.arrival_date, m) >= today
    ]
    if not state.monitoring.visits:
        state.stage = Stage.CLOSURE


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
        departure_date=data.departure_date,
        arrival_date=data.arrival_date,
        reintegration_date=data.reintegration_date,
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
            update={"state": _state(case, data, wf, actor_id, partner_id)}
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
                update={"state": _state(existing, data, wf, actor_id, existing.partner_id)})))
    return Outcome(report=report, to_start=to_start)


def _entry(line: int, case: Case) -> ImportedCase:
    return ImportedCase(line=line, external_ref=case.external_ref or "", case_id=case.id,
                        reference=case.reference, closed=case.status == CaseStatus.CLOSED,
                        stage=case.stage, project_id=case.project_id)


