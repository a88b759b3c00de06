"""The embassy by e-mail: the request letter (PDF) mailed to the embassy in the directory.

Names and dates of birth are read here from the database, never carried by the workflow. The
letter is sent once per request key (activities/outbox.py) and kept as a document of the
case (encrypted, like every document), so staff can see what the embassy was sent; the
embassy's answer comes back to the office by e-mail, letter or phone and staff record it as
in every mode.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage

import structlog
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.exceptions import ApplicationError

from activities.letters import (
    Office,
    Person,
    RequestLetter,
    reminder_subject,
    reminder_text,
    request_pdf,
    request_subject,
    withdrawal_subject,
    withdrawal_text,
)
from activities.outbox import send_once
from activities.smtp import SmtpNotifications
from api.document_service import Vault
from api.generated_documents import store_pdf
from models.documents import Document, DocumentKind
from models.embassies import Embassy, LetterLanguage, SentMail
from models.external import (
    EMBASSY_REFUSED,
    ChaseDocumentRequest,
    DocumentRequest,
    DocumentRequestResult,
    WithdrawDocumentRequest,
)
from models.tables import Case, HouseholdMember

log = structlog.get_logger(__name__)
# Who keeps the letter among the case's documents (no user: the activity).
LETTER_KEEPER = "homeward:embassy-email"


def request_ref(case_ref: str, request_key: str) -> str:
    """The office's own reference of the request: the case's and the attempt's number."""
    attempt = request_key.rpartition(":")[2]
    return f"{case_ref}/ETD-{attempt}"


class EmailEmbassy:
    def __init__(self, engine: Engine, smtp: SmtpNotifications, office: Office,
                 vault: Vault | None = None) -> None:
        self._engine, self._smtp, self._office = engine, smtp, office
        self._vault = vault  # where the letter is kept as a document; None: not kept

    def _keep(self, data: DocumentRequest, letter: RequestLetter, pdf: bytes) -> None:
        """The letter as a document of the case, once per request key (a retried attempt
        finds it under the same id)."""
        if self._vault is None:
            return
        document_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"homeward:{data.request_key}"))
        with Session(self._engine) as session:
            if session.get(Document, document_id) is not None:
                return
        store_pdf(self._engine, self._vault, data.case_id, LETTER_KEEPER, DocumentKind.OTHER,
                  f"{letter.request_ref.replace('/', '_')} embassy request.pdf", pdf,
                  document_id=document_id)

    def _letter(self, data: DocumentRequest) -> tuple[RequestLetter, SentMail]:
        with Session(self._engine) as session:
            embassy = session.get(Embassy, data.country_of_origin)
            if embassy is None:
                # Not retried: the workflow records it as the embassy's refusal, with this
                # reason, and the caseworker requests again once the contact is added.
                raise ApplicationError(
                    f"no embassy contact for {data.country_of_origin}: an administrator adds "
                    f"it under Embassies (POST /embassies), then request the document again",
                    type=EMBASSY_REFUSED, non_retryable=True,
                )
            case = session.get(Case, data.case_id)
            if case is None:
                raise ApplicationError(f"case {data.case_id} not found", non_retryable=True)
            members = session.exec(
                select(HouseholdMember)
                .where(col(HouseholdMember.id).in_(data.member_ids))
                .order_by(col(HouseholdMember.position))
            ).all()
            letter = RequestLetter(
                office=self._office, embassy=embassy.name, embassy_email=embassy.email,
                embassy_language=LetterLanguage(embassy.letter_language),
                country=data.country_of_origin, case_ref=case.reference,
                request_ref=request_ref(case.reference, data.request_key),
                answer_days=embassy.answer_days,
                household=[Person(m.given_name, m.family_name, m.date_of_birth) for m in members],
                today=datetime.now(UTC).date(),
            )
        row = SentMail(
            key=data.request_key, case_id=data.case_id, kind="embassy_request",
            reference=letter.request_ref, recipients=embassy.email,
            message_id=self._smtp.new_message_id(),
        )
        return letter, row

    async def request_document(self, data: DocumentRequest) -> DocumentRequestResult:
        letter, row = self._letter(data)

        async def build(_: SentMail) -> EmailMessage:
            pdf = await asyncio.to_thread(request_pdf, letter)
            # Kept before it is sent: a letter mailed is always on the case.
            await asyncio.to_thread(self._keep, data, letter, pdf)
            message = EmailMessage()
            message["Subject"] = request_subject(letter)
            if self._office.reply_to:
                message["Reply-To"] = self._office.reply_to
            message.set_content(f"{letter.case_ref} / {letter.request_ref}: see the attached "
                                f"letter.\n\n{self._office.name}\n")
            message.add_attachment(pdf, maintype="application", subtype="pdf",
                                   filename=f"{letter.request_ref.replace('/', '_')}.pdf")
            return message

        mailed = await send_once(self._engine, self._smtp, row, build)
        # The fee is whatever the embassy charges; staff record it with its answer.
        return DocumentRequestResult(request_ref=mailed.reference, fee=None)

    def _mailed_request(self, case_id: str, request_ref: str
                        ) -> tuple[SentMail | None, Case | None]:
        with Session(self._engine) as session:
            request = session.exec(
                select(SentMail).where(SentMail.reference == request_ref)
                .where(SentMail.kind == "embassy_request")
            ).first()
            return request, session.get(Case, case_id)

    async def chase_request(self, data: ChaseDocumentRequest) -> None:
        """Mail the embassy a reminder of the unanswered request, to the address the letter
        went to, once per reminder number (a retry sends nothing twice)."""
        request, case = self._mailed_request(data.case_id, data.request_ref)
        if request is None or request.sent_at is None or case is None:
            log.info("no letter was mailed for the request: no reminder")
            return
        row = SentMail(
            key=f"{request.key}:reminder:{data.reminder}", case_id=data.case_id,
            kind="embassy_reminder", reference=data.request_ref, recipients=request.recipients,
            message_id=self._smtp.new_message_id(),
        )
        sent_on = request.sent_at.date()

        def build(_: SentMail) -> EmailMessage:
            message = EmailMessage()
            message["Subject"] = reminder_subject(self._office, case.reference,
                                                  data.request_ref, data.reminder)
            if self._office.reply_to:
                message["Reply-To"] = self._office.reply_to
            message.set_content(reminder_text(self._office, case.reference, data.request_ref,
                                              sent_on, data.reminder))
            return message

        await send_once(self._engine, self._smtp, row, build)

    async def withdraw_request(self, data: WithdrawDocumentRequest) -> None:
        with Session(self._engine) as session:
            request = session.exec(
                select(SentMail).where(SentMail.reference == data.request_ref)
                .where(SentMail.kind == "embassy_request")
            ).first()
            case = session.get(Case, data.case_id)
        if request is None or request.sent_at is None or case is None:
            log.info("no letter was mailed for the request: nothing to withdraw")
            return
        row = SentMail(
            key=f"{request.key}:withdrawal", case_id=data.case_id, kind="embassy_withdrawal",
            reference=data.request_ref, recipients=request.recipients,
            message_id=self._smtp.new_message_id(),
        )

        def build(_: SentMail) -> EmailMessage:
            message = EmailMessage()
            message["Subject"] = withdrawal_subject(self._office, case.reference, data.request_ref)
            if self._office.reply_to:
                message["Reply-To"] = self._office.reply_to
            message.set_content(withdrawal_text(self._office, case.reference, data.request_ref))
            return message

        await send_once(self._engine, self._smtp, row, build)
