"""Papers Homeward generates for a case and keeps as its documents: the declaration of
voluntary return with the household's consent, and the receipt of the return grant.

Made here in the API from the database (names, dates of birth) and the workflow's live state
(the grant's figures; ids and amounts only): no personal data goes to Temporal. Each is kept
through the document service (encrypted, versioned, its upload audited) as a version marked
``generated``: the unsigned paper to print. The signed scan is uploaded afterwards, as its
new version or a document of its own; a project's requirement of the signed declaration and
the cash hand-over's receipt are met by that upload only.
"""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from activities.letters import Office
from activities.returnee_papers import (
    Declaration,
    GrantReceipt,
    Signer,
    declaration_pdf,
    receipt_pdf,
)
from api.document_checks import Attachment, Upload
from api.document_service import Vault, add_document
from core.i18n import N_
from core.settings import Settings
from models.documents import Document, DocumentKind
from models.enums import GrantStatus
from models.payloads import CaseState
from models.tables import Case, HouseholdMember

# A grant whose receipt can be signed: approved, handed to the office, or paid.
RECEIPT_STATUSES = frozenset({GrantStatus.APPROVED, GrantStatus.PAYMENT_PENDING, GrantStatus.PAID})


class NotReady(ValueError):
    """The case has nothing to put on this paper yet (the reason says what)."""


def office_of(settings: Settings) -> Office:
    return Office(settings.office_name, settings.office_language, settings.office_email)


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _signer(member: HouseholdMember, today: date) -> Signer:
    return Signer(member.given_name, member.family_name, member.date_of_birth,
                  minor=_age(member.date_of_birth, today) < 18)


def _household(session: Session, case_id: str) -> list[HouseholdMember]:
    """Those who travel: the household less anyone who left it."""
    return list(session.exec(
        select(HouseholdMember).where(HouseholdMember.case_id == case_id)
        .where(col(HouseholdMember.removed_at).is_(None))
        .order_by(col(HouseholdMember.position))
    ).all())


def declaration_of(engine: Engine, case: Case, settings: Settings, today: date) -> Declaration:
    with Session(engine) as session:
        members = _household(session, case.id)
    if not members:
        raise NotReady(N_("the case has no household member to sign the declaration"))
    return Declaration(
        office=office_of(settings), case_ref=case.reference, country=case.country_of_origin,
        preferred_language=case.preferred_language,
        household=[_signer(m, today) for m in members], today=today,
    )


def receipt_of(engine: Engine, case: Case, live: CaseState, settings: Settings,
               today: date) -> GrantReceipt:
    grant = live.grant
    if grant is None or grant.status not in RECEIPT_STATUSES:
        status = grant.status.value.replace("_", " ") if grant else "not proposed"
        raise NotReady(f"the grant is {status}: a receipt is printed once it is approved")
    with Session(engine) as session:
        members = {m.id: m for m in _household(session, case.id)}
    lines = [(members[line.member_id], line.total) for line in grant.lines
             if line.member_id in members]
    if not lines:
        raise NotReady(N_("no member of the grant is in the household any more"))
    recipient = lines[0][0]  # the grant's first line: the principal applicant
    return GrantReceipt(
        office=office_of(settings), case_ref=case.reference, country=case.country_of_origin,
        preferred_language=case.preferred_language, recipient=_signer(recipient, today),
        lines=[(_signer(m, today), total) for m, total in lines], amount=grant.amount,
        currency=grant.currency, payment_id=grant.payment_id, today=today,
    )


def store_pdf(engine: Engine, vault: Vault, case_id: str, actor_id: str, kind: DocumentKind,
              filename: str, pdf: bytes, *, payment_id: str | None = None,
              document_id: str | None = None) -> Document:
    """Keep a generated PDF as a document of the case (a generated first version)."""
    upload = Upload(file=io.BytesIO(pdf), filename=filename, size=len(pdf))
    with Session(engine, expire_on_commit=False) as session:
        return add_document(
            session, vault, case_id, actor_id, Attachment(kind, payment_id=payment_id), upload,
            max_bytes=len(pdf), generated=True, document_id=document_id,
        )


def _today() -> date:
    return datetime.now(UTC).date()


async def generate_declaration(engine: Engine, vault: Vault, settings: Settings, case: Case,
                               actor_id: str) -> Document:
    paper = await run_in_threadpool(declaration_of, engine, case, settings, _today())
    pdf = await asyncio.to_thread(declaration_pdf, paper)
    return await run_in_threadpool(
        store_pdf, engine, vault, case.id, actor_id, DocumentKind.DECLARATION,
        f"{case.reference} declaration and consent (to sign).pdf", pdf,
    )


async def generate_receipt(engine: Engine, vault: Vault, settings: Settings, case: Case,
                           live: CaseState, actor_id: str) -> Document:
    paper = await run_in_threadpool(receipt_of, engine, case, live, settings, _today())
    pdf = await asyncio.to_thread(receipt_pdf, paper)
    # Linked to the grant's payment: the signed scan, uploaded as its new version, is the
    # receipt the cash hand-over names.
    return await run_in_threadpool(
        store_pdf, engine, vault, case.id, actor_id, DocumentKind.PAYMENT_RECEIPT,
        f"{case.reference} grant receipt (to sign).pdf", pdf, payment_id=paper.payment_id,
    )
