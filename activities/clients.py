"""The bundle of external-system clients the worker wires into the activity classes."""

from __future__ import annotations

from dataclasses import dataclass, field

from activities.authorities import AuthoritiesClient, SimulatedAuthorities
from activities.booking import BookingClient, SimulatedBooking
from activities.embassy import EmbassyClient, SimulatedEmbassy
from activities.notifications import NotificationsClient, SimulatedNotifications
from activities.partners import PartnersClient, SimulatedPartners, WebhookPartners
from activities.payments import PaymentsClient, SimulatedPayments
from activities.simulation import SimulatorConfig
from activities.smtp import SmtpNotifications
from core.settings import NotificationsMode, PartnersMode, Settings


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


def clients_from(settings: Settings) -> ExternalClients:
    """The clients the settings ask for: configured simulators, SMTP notifications."""
    clients = ExternalClients(**simulators_from(settings))  # type: ignore[arg-type]
    if settings.notifications == NotificationsMode.SMTP:
        clients.notifications = SmtpNotifications(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            username=settings.smtp_username or None,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
        )
    if settings.partners == PartnersMode.WEBHOOK:
        clients.partners = WebhookPartners()
    return clients
