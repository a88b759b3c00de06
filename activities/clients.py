"""The bundle of external-system clients the worker wires into the activity classes."""

from __future__ import annotations

from dataclasses import dataclass, field

from activities.authorities import AuthoritiesClient, SimulatedAuthorities
from activities.booking import BookingClient, SimulatedBooking
from activities.embassy import EmbassyClient, SimulatedEmbassy
from activities.notifications import NotificationsClient, SimulatedNotifications
from activities.payments import PaymentsClient, SimulatedPayments


@dataclass
class ExternalClients:
    """Simulators by default; real clients replace them one system at a time."""

    embassy: EmbassyClient = field(default_factory=SimulatedEmbassy)
    authorities: AuthoritiesClient = field(default_factory=SimulatedAuthorities)
    booking: BookingClient = field(default_factory=SimulatedBooking)
    payments: PaymentsClient = field(default_factory=SimulatedPayments)
    notifications: NotificationsClient = field(default_factory=SimulatedNotifications)
