"""What the documents panel of a case shows (api/templates/_documents.html): the documents
the signed-in user may see, named for people (who uploaded, whom it concerns), and the
choices of its upload form. Used by the case page and, for evidence, the partner page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.document_access import case_documents, visible_kinds
from core.i18n import N_
from models.document_kinds import DOCUMENT_KIND_LABELS, DocumentKind
from models.documents import DocumentVersion
from models.payloads import Actor
from models.tables import HouseholdMember
from models.users import User


@dataclass(frozen=True)
class VersionRow:
    version: int
    filename: str
    size: int
    uploaded_by: str
    uploaded_at: datetime
    generated: bool = False  # a paper Homeward made to print and sign


@dataclass(frozen=True)
class DocumentRow:
    id: str
    kind: str
    person: str
    component_id: str | None
    versions: list[VersionRow]  # newest first

    @property
    def current(self) -> VersionRow:
        return self.versions[0]


@dataclass(frozen=True)
class DocumentsView:
    case_id: str
    rows: list[DocumentRow]
    kinds: list[tuple[str, str]]
    members: list[tuple[str, str]]  # empty on the partner page: it shows no names
    components: list[tuple[str, str]] = field(default_factory=list)
    partner: bool = False
    max_bytes: int = 0
    next_path: str = ""  # where a post goes back to: the case page or the partner page
    # A refused post of this case: which form ("upload" or the replaced document's id), its
    # errors beside their fields and what was chosen (a browser never re-fills a file).
    failed: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


def _names(session: Session, user_ids: set[str]) -> dict[str, str]:
    if not user_ids:
        return {}
    rows = session.exec(select(User.id, User.full_name).where(col(User.id).in_(user_ids))).all()
    return dict(rows)


def documents_view(
    session: Session, case_id: str, actor: Actor, max_bytes: int, next_path: str,
    form_state: dict[str, Any] | None = None, components: list[tuple[str, str]] | None = None,
) -> DocumentsView:
    documents = case_documents(session, case_id, actor)
    versions = session.exec(
        select(DocumentVersion)
        .where(col(DocumentVersion.document_id).in_([d.id for d in documents]))
        .order_by(col(DocumentVersion.version).desc())
    ).all() if documents else []
    partner = visible_kinds(actor) is not None
    members: dict[str, str] = {} if partner else {
        m.id: f"{m.given_name} {m.family_name}" for m in session.exec(
            select(HouseholdMember).where(HouseholdMember.case_id == case_id)
            .order_by(col(HouseholdMember.position))
        ).all()
    }
    names = _names(session, {v.uploaded_by for v in versions})
    by_document: dict[str, list[VersionRow]] = {d.id: [] for d in documents}
    for v in versions:
        by_document[v.document_id].append(VersionRow(
            v.version, v.filename, v.size, names.get(v.uploaded_by, v.uploaded_by),
            v.uploaded_at, v.generated,
        ))
    rows = [
        DocumentRow(d.id, DOCUMENT_KIND_LABELS[d.kind],
                    members.get(d.member_id, "") if d.member_id else N_("the case"),
                    d.component_id, by_document[d.id])
        for d in documents if by_document[d.id]
    ]
    allowed = visible_kinds(actor)
    kinds = [(k.value, DOCUMENT_KIND_LABELS[k]) for k in DocumentKind
             if allowed is None or k in allowed]
    failed = (form_state or {}).get("documents", {})
    if failed.get("case_id") != case_id:
        failed = {}
    return DocumentsView(
        case_id, rows, kinds, list(members.items()), components or [], partner, max_bytes,
        next_path, failed.get("target", ""), failed.get("errors", {}), failed.get("values", {}),
    )


def add_evidence_views(engine: Engine, items: list[dict[str, Any]], actor: Actor,
                       max_bytes: int, form_state: dict[str, Any] | None) -> None:
    """The partner page: each handed-over case's delivery evidence and its upload form,
    linked optionally to a component of the case's plan."""
    with Session(engine) as session:
        for item in items:
            plan = item["view"].plan if item.get("view") else None
            components = [(c.component_id, f"{c.component_id}: {c.description}")
                          for c in (plan.components if plan else [])]
            item["documents"] = documents_view(
                session, item["case"].id, actor, max_bytes, "/ui/partner", form_state,
                components,
            )
