"""The border guard and the migration office by e-mail: the departure notice mailed to the
addresses in the settings.

Sent once per business key, case + authority + planned departure (activities/outbox.py): a
retry sends nothing twice, and a notice for a new departure date is a new notice. The names
are read here from the database. The authorities confirm as in every mode: their service
accounts, or staff on their behalf, record the clearance.
"""

from __future__ import annotations

from email.message import EmailMessage

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.exceptions import ApplicationError

from activities.letters import Office, Person, notice_subject, notice_text
from activities.outbox import send_once
from activities.smtp import SmtpNotifications
from models.embassies import SentMail
from models.external import Authority, AuthorityNotice, AuthorityNoticeResult
from models.tables import Case, HouseholdMember

SHORT = {Authority.BORDER_GUARD: "BG", Authority.MIGRATION_OFFICE: "MO"}


def notice_key(data: AuthorityNotice) -> str:
    return f"{data.case_id}:notice:{data.authority.value}:{data.planned_departure.isoformat()}"


class EmailAuthorities:
    def __init__(
        self, engine: Engine, smtp: SmtpNotifications, office: Office,
        addresses: dict[Authority, list[str]],
    ) -> None:
        self._engine, self._smtp, self._office = engine, smtp, office
        self._addresses = addresses

    async def notify(self, data: AuthorityNotice) -> AuthorityNoticeResult:
        with Session(self._engine) as session:
            case = session.get(Case, data.case_id)
            if case is None:
                raise ApplicationError(f"case {data.case_id} not found", non_retryable=True)
            members = session.exec(
                select(HouseholdMember).where(HouseholdMember.case_id == data.case_id)
                .order_by(col(HouseholdMember.position))
            ).all()
            travellers = [Person(m.given_name, m.family_name, m.date_of_birth) for m in members]
            case_ref = case.reference
        reference = f"{case_ref}/{SHORT[data.authority]}-{data.planned_departure.isoformat()}"
        row = SentMail(
            key=notice_key(data), case_id=data.case_id, kind="authority_notice",
            reference=reference, recipients=", ".join(self._addresses[data.authority]),
            message_id=self._smtp.new_message_id(),
        )

        def build(_: SentMail) -> EmailMessage:
            message = EmailMessage()
            message["Subject"] = f"{notice_subject(self._office, case_ref)} ({reference})"
            if self._office.reply_to:
                message["Reply-To"] = self._office.reply_to
            message.set_content(notice_text(
                self._office, data.authority.value, case_ref=case_ref, notice_ref=reference,
                departure=data.planned_departure, location=data.location_type.value,
                travellers=travellers,
            ))
            return message

        mailed = await send_once(self._engine, self._smtp, row, build)
        return AuthorityNoticeResult(reference=mailed.reference)
