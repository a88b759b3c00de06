"""The embassy by e-mail: the PDF request letter reaches a real SMTP server once per request
key, names the case and its household in readable text; no directory entry is a refusal."""

from __future__ import annotations

import io
from pathlib import Path

import aiosmtplib
import pytest
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.clients import clients_from
from activities.embassy import EmbassyActivities
from activities.embassy_email import EmailEmbassy
from activities.smtp import SmtpNotifications
from core.settings import Settings
from models.embassies import SentMail
from models.external import (
    EMBASSY_REFUSED,
    ChaseDocumentRequest,
    DocumentRequest,
    WithdrawDocumentRequest,
)
from tests.activities.mail_cases import OFFICE, add_embassy, case_with_household
from tests.smtp import Received, SmtpServer, free_port, smtp_server  # noqa: F401


def pdf_text(mail: Received) -> str:
    [attachment] = list(mail.message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    reader = PdfReader(io.BytesIO(attachment.get_content()))
    return "\n".join(page.extract_text() for page in reader.pages)


def activities(engine: Engine, smtp: SmtpNotifications) -> EmbassyActivities:
    return EmbassyActivities(EmailEmbassy(engine, smtp, OFFICE), engine)


async def test_the_letter_arrives_as_a_pdf_naming_the_case_and_household(
    engine: Engine, smtp_server: SmtpServer  # noqa: F811
) -> None:
    add_embassy(engine)
    case, member_ids = case_with_household(engine)
    request = DocumentRequest(case_id=case.id, request_key=f"{case.id}:etd:1",
                              country_of_origin="GE", member_ids=member_ids)
    result = await ActivityEnvironment().run(
        activities(engine, smtp_server.client()).request_travel_document, request
    )
    assert result.request_ref == f"{case.reference}/ETD-1"
    assert result.fee is None  # the embassy's fee is recorded with its answer

    [mail] = smtp_server.inbox.received
    assert mail.rcpt_tos == ["riga@mfa.gov.ge"]
    assert case.reference in mail.subject
    assert mail.message["Reply-To"] == "returns@iom.test"
    text = pdf_text(mail)
    assert case.reference in text and result.request_ref in text
    for name in ("ნინო", "ბერიძე", "Иван", "Петров", "Luka", "Beridze", "1990-03-01"):
        assert name in text, name
    # Office language (Latvian), English, and the embassy's own (Russian).
    assert "Lūgums izsniegt pagaidu ceļošanas dokumentus" in text
    assert "Request for emergency travel documents" in text
    assert "Запрос на выдачу временных проездных документов" in text


async def test_a_retried_request_mails_one_letter(
    engine: Engine, smtp_server: SmtpServer  # noqa: F811
) -> None:
    add_embassy(engine)
    case, member_ids = case_with_household(engine)
    request = DocumentRequest(case_id=case.id, request_key=f"{case.id}:etd:2",
                              country_of_origin="GE", member_ids=member_ids[:1])
    down = SmtpNotifications(host="127.0.0.1", port=free_port(), sender="homeward@iom.test",
                             starttls=False, timeout=2)
    with pytest.raises(aiosmtplib.SMTPException):  # unreachable: retried as any outage
        await ActivityEnvironment().run(activities(engine, down).request_travel_document, request)
    assert smtp_server.inbox.received == []
    live = activities(engine, smtp_server.client())
    first = await ActivityEnvironment().run(live.request_travel_document, request)
    again = await ActivityEnvironment().run(live.request_travel_document, request)
    assert first == again
    [mail] = smtp_server.inbox.received
    with Session(engine) as session:
        [row] = session.exec(select(SentMail).where(SentMail.case_id == case.id)).all()
    assert row.key == request.request_key and row.sent_at is not None
    assert mail.message["Message-ID"] == row.message_id  # claimed before the first attempt


async def test_no_directory_entry_is_a_refusal_the_caseworker_can_act_on(
    engine: Engine, smtp_server: SmtpServer  # noqa: F811
) -> None:
    case, member_ids = case_with_household(engine)
    request = DocumentRequest(case_id=case.id, request_key=f"{case.id}:etd:1",
                              country_of_origin="GE", member_ids=member_ids)
    with pytest.raises(ApplicationError) as refused:
        await ActivityEnvironment().run(
            activities(engine, smtp_server.client()).request_travel_document, request
        )
    # EMBASSY_REFUSED is never retried; the workflow records it as the embassy's refusal.
    assert refused.value.type == EMBASSY_REFUSED and refused.value.non_retryable
    assert "no embassy contact for GE: an administrator adds it under Embassies" in str(
        refused.value
    )
    assert smtp_server.inbox.received == []


async def test_withdrawing_mails_one_short_notice_to_the_embassy(
    engine: Engine, smtp_server: SmtpServer  # noqa: F811
) -> None:
    add_embassy(engine)
    case, member_ids = case_with_household(engine)
    acts = activities(engine, smtp_server.client())
    result = await ActivityEnvironment().run(acts.request_travel_document, DocumentRequest(
        case_id=case.id, request_key=f"{case.id}:etd:1", country_of_origin="GE",
        member_ids=member_ids,
    ))
    withdraw = WithdrawDocumentRequest(case_id=case.id, request_ref=result.request_ref)
    await ActivityEnvironment().run(acts.withdraw_travel_document_request, withdraw)
    await ActivityEnvironment().run(acts.withdraw_travel_document_request, withdraw)
    _letter, withdrawal = smtp_server.inbox.received
    assert withdrawal.rcpt_tos == ["riga@mfa.gov.ge"]
    assert result.request_ref in withdrawal.subject
    assert "is withdrawn" in withdrawal.body and "tiek atsaukts" in withdrawal.body
    assert "ნინო" not in withdrawal.body  # no names needed to withdraw


async def test_chasing_mails_the_embassy_a_reminder_once_per_reminder(
    engine: Engine, smtp_server: SmtpServer  # noqa: F811
) -> None:
    add_embassy(engine)
    case, member_ids = case_with_household(engine)
    acts = activities(engine, smtp_server.client())
    env = ActivityEnvironment()
    result = await env.run(acts.request_travel_document, DocumentRequest(
        case_id=case.id, request_key=f"{case.id}:etd:1", country_of_origin="GE",
        member_ids=member_ids,
    ))
    for n in (1, 1, 2):  # the first reminder retried: sent once
        await env.run(acts.chase_travel_document_request, ChaseDocumentRequest(
            case_id=case.id, request_ref=result.request_ref, reminder=n))
    _letter, first, second = smtp_server.inbox.received
    assert first.rcpt_tos == second.rcpt_tos == ["riga@mfa.gov.ge"]
    assert case.reference in first.subject and result.request_ref in first.subject
    assert first.subject.endswith(" 1") and second.subject.endswith(" 2")
    assert "no answer yet" in first.body and "atgādinām" in first.body
    assert "ნინო" not in first.body  # the reference is enough
    # A request never mailed (no letter in the outbox) has nothing to remind of.
    await env.run(acts.chase_travel_document_request, ChaseDocumentRequest(
        case_id=case.id, request_ref="LV-0000/ETD-9", reminder=1))
    assert len(smtp_server.inbox.received) == 3


def test_the_settings_wire_the_email_embassy(tmp_path: Path, engine: Engine) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path, embassy="email", smtp_host="127.0.0.1",
        smtp_from="homeward@iom.test",
    )
    assert isinstance(clients_from(settings, engine).embassy, EmailEmbassy)
    with pytest.raises(ValueError, match="need the database"):
        clients_from(settings)
