"""The bundle of external-system clients the worker wires into the activity classes."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from activities.authorities import AuthoritiesClient, SimulatedAuthorities
from activities.authorities_email import EmailAuthorities
from activities.booking import BookingClient, SimulatedBooking
from activities.booking_desk import DeskBooking
from activities.embassy import EmbassyClient, SimulatedEmbassy
from activities.embassy_email import EmailEmbassy
from activities.letters import Office
from activities.notifications import NotificationsClient, SimulatedNotifications
from activities.partners import (
    PartnersClient,
    PortalPartners,
    SimulatedPartners,
    WebhookPartners,
)
from activities.payments import PaymentsClient, SimulatedPayments
from activities.payments_office import BankTransferPayments, CashPayments
from activities.simulation import SimulatorConfig
from activities.smtp import SmtpNotifications
from core.modes import AuthoritiesMode, BookingMode, EmbassyMode, PaymentsMode
from core.settings import NotificationsMode, PartnersMode, Settings
from models.external import Authority


@dataclass
class ExternalClients:
    """Simulators by default; real clients replace them one system at a time."""

    embassy: EmbassyClient = field(default_factory=SimulatedEmbassy)
    authorities: AuthoritiesClient = field(default_factory=SimulatedAuthorities)
    booking: BookingClient = field(default_factory=SimulatedBooking)
    payments: PaymentsClient = field(default_factory=SimulatedPayments)
    notifications: NotificationsClient = field(default_factory=SimulatedNotifications)
    partners: PartnersClient = field(default_factory=SimulatedPartners)


SIMULATED = {
    "embassy": SimulatedEmbassy,
    "authorities": SimulatedAuthorities,
    "booking": SimulatedBooking,
    "payments": SimulatedPayments,
    "notifications": SimulatedNotifications,
    "partners": SimulatedPartners,
}


def simulators_from(settings: Settings) -> dict[str, object]:
    """The simulators, each configured from HOMEWARD_SIMULATORS (slow, refusing, down...)."""
    unknown = set(settings.simulators) - set(SIMULATED)
    if unknown:
        raise ValueError(
            f"HOMEWARD_SIMULATORS names unknown systems {sorted(unknown)}; "
            f"known: {sorted(SIMULATED)}"
        )
    return {
        name: cls(SimulatorConfig.model_validate(settings.simulators.get(name, {})))
        for name, cls in SIMULATED.items()
    }


def smtp_from(settings: Settings) -> SmtpNotifications:
    return SmtpNotifications(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        username=settings.smtp_username or None,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
    )


def clients_from(settings: Settings, engine: Engine | None = None) -> ExternalClients:
    """The clients the settings ask for: each system's real mode, or its configured simulator
    (core/settings.py refuses modes without a client and, in production, simulators).
    ``engine``: the database the e-mail modes read names and record sent mail in."""
    clients = ExternalClients(**simulators_from(settings))  # type: ignore[arg-type]
    office = Office(settings.office_name, settings.office_language, settings.office_email)
    if settings.notifications == NotificationsMode.SMTP:
        clients.notifications = smtp_from(settings)
    if settings.partners == PartnersMode.WEBHOOK:
        clients.partners = WebhookPartners()
    if settings.partners == PartnersMode.PORTAL:
        if engine is None:
            raise ValueError("HOMEWARD_PARTNERS=portal records the packages in the database")
        clients.partners = PortalPartners(engine, clients.notifications)
    if settings.booking == BookingMode.DESK:
        clients.booking = DeskBooking()
    mailing = (settings.embassy == EmbassyMode.EMAIL, settings.authorities == AuthoritiesMode.EMAIL)
    if any(mailing) and engine is None:
        raise ValueError("the e-mail modes of the embassy and the authorities need the database")
    if settings.embassy == EmbassyMode.EMAIL:
        assert engine is not None
        from api.document_service import build_vault  # the documents' store and key ring

        clients.embassy = EmailEmbassy(engine, smtp_from(settings), office, build_vault(settings))
    if settings.authorities == AuthoritiesMode.EMAIL:
        assert engine is not None
        clients.authorities = EmailAuthorities(engine, smtp_from(settings), office, {
            Authority.BORDER_GUARD: settings.border_guard_emails,
            Authority.MIGRATION_OFFICE: settings.migration_office_emails,
        })
    if settings.payments == PaymentsMode.CASH:
        clients.payments = CashPayments()
    if settings.payments == PaymentsMode.BANK_TRANSFER:
        if engine is None:
            raise ValueError("HOMEWARD_PAYMENTS=bank_transfer keeps its instructions in the database")
        clients.payments = BankTransferPayments(engine)
    return clients
