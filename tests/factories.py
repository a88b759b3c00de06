"""Small builders shared by tests."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.enums import LegalSituation, LocationType
from models.payloads import CaseWorkflowInput, CounsellingSession
from models.tables import Case, Project


def default_project_id(engine: Engine) -> str:
    """The default project the `engine` fixture creates (see tests/conftest.py)."""
    with Session(engine) as session:
        return session.exec(select(Project.id).where(Project.code == "default")).one()


def insert_case(engine: Engine, **overrides: object) -> Case:
    if "project_id" not in overrides:
        overrides["project_id"] = default_project_id(engine)
    fields: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "reference": f"LV-2026-{uuid.uuid4().int % 1_000_000:06d}",
        "country_of_origin": "GE",
        "legal_situation": LegalSituation.REJECTED_ASYLUM_SEEKER,
        "location_type": LocationType.RECEPTION_CENTRE,
    }
    case = Case(**(fields | overrides))
    with Session(engine) as session:
        session.add(case)
        session.commit()
        session.refresh(case)
    return case


def workflow_input(case: Case) -> CaseWorkflowInput:
    return CaseWorkflowInput(
        case_id=case.id,
        reference=case.reference,
        country_of_origin=case.country_of_origin,
        legal_situation=case.legal_situation,
        location_type=case.location_type,
    )


def counselling(held_on: date | None = None) -> CounsellingSession:
    return CounsellingSession(
        held_on=held_on or date(2026, 1, 5), place="Mucenieki", language="ka", interpreter=True
    )


CASE_JSON = {
    "country_of_origin": "GE",
    "legal_situation": "rejected_asylum_seeker",
    "location_type": "reception_centre",
    "location_name": "Mucenieki",
    "destination_city": "Tbilisi",
    "preferred_language": "ka",
    "principal": {
        "given_name": "Giorgi",
        "family_name": "Beridze",
        "date_of_birth": "1988-04-12",
        "sex": "male",
        "nationality": "GE",
    },
}
