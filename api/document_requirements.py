"""Documents a project's policy requires before a decision (e.g. the signed declaration
before consent): checked before the workflow is asked, for the API and the web form alike."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from sqlmodel import Session, col, select

from api.project_service import project_policy
from models.document_kinds import DOCUMENT_KIND_LABELS, DocumentKind
from models.documents import Document, DocumentVersion
from models.policy import CasePolicy
from models.tables import Case, Project
from workflows.decision import Decision
from workflows.phases import DECISIONS

UPDATES = frozenset(d.update for d in DECISIONS)


def required_kinds(session: Session, case_id: str, update: str) -> list[DocumentKind]:
    """The kinds the case's project requires before this decision, from its current policy
    (a requirement added later holds for running cases too)."""
    project = session.exec(
        select(Project).join(Case, col(Case.project_id) == col(Project.id))
        .where(Case.id == case_id)
    ).first()
    if project is None or project.policy is None:
        return []
    return project_policy(project).required_documents.get(update, [])


def missing_kinds(session: Session, case_id: str, update: str) -> list[DocumentKind]:
    required = required_kinds(session, case_id, update)
    if not required:
        return []
    # A paper Homeward generated is not yet the signed one: its current version must be an
    # upload (the signed scan, as a new version or a document of its own).
    present = set(session.exec(
        select(Document.kind)
        .join(DocumentVersion, (col(DocumentVersion.document_id) == col(Document.id))
              & (col(DocumentVersion.version) == col(Document.current_version)))
        .where(Document.case_id == case_id)
        .where(col(Document.kind).in_(required))
        .where(col(DocumentVersion.generated).is_(False))
    ).all())
    return [k for k in required if k not in present]


def refusal(missing: list[DocumentKind], decision: Decision) -> str:
    named = " and ".join(f"the {DOCUMENT_KIND_LABELS[k]}" for k in missing)
    kinds = ", ".join(k.value for k in missing)
    return (f"{named} must be uploaded to the case before you {decision.action} "
            f"(document kind: {kinds})")


def require_documents(
    session: Session, case_id: str, decision: Decision, fields: dict[str, Any]
) -> None:
    """A precondition of every decision: 409 naming what is missing."""
    missing = missing_kinds(session, case_id, decision.update)
    if missing:
        raise HTTPException(status_code=409, detail=refusal(missing, decision))


def check_requirement_names(policy: CasePolicy | None) -> None:
    """A requirement must name a decision that exists, else it would never be checked."""
    unknown = sorted(set(policy.required_documents if policy else {}) - UPDATES)
    if unknown:
        raise HTTPException(status_code=422, detail=[{
            "loc": ["body", "policy", "required_documents", unknown[0]], "type": "value_error",
            "msg": f"{unknown[0]!r} is no decision; one of: {', '.join(sorted(UPDATES))}",
        }])
