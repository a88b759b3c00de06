"""How each external system is reached: its real mode or a simulator, and the production rule."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import Field
from pydantic_settings import BaseSettings

from core.i18n import N_

if TYPE_CHECKING:
    from core.settings import Settings


class NotificationsMode(StrEnum):
    SIMULATED = "simulated"
    SMTP = "smtp"  # reminders and digests by e-mail


class PartnersMode(StrEnum):
    SIMULATED = "simulated"
    WEBHOOK = "webhook"  # a signed HTTP POST to the partner's webhook_url
    # The partner works on Homeward's partner page: packages recorded for it, told by e-mail.
    PORTAL = "portal"


class EmbassyMode(StrEnum):
    SIMULATOR = "simulator"
    EMAIL = "email"  # a PDF request letter mailed to the embassy in the directory


class AuthoritiesMode(StrEnum):
    SIMULATOR = "simulator"
    EMAIL = "email"  # the departure notice mailed to the configured addresses


class BookingMode(StrEnum):
    SIMULATOR = "simulator"
    DESK = "desk"  # a travel desk books by hand and records the booking (activities/booking_desk.py)


class PaymentsMode(StrEnum):
    SIMULATOR = "simulator"
    CASH = "cash"  # staff record the hand-over against a signed receipt
    BANK_TRANSFER = "bank_transfer"  # pain.001 files out, camt.053/054 statements back


class DebtorAccount(BaseSettings):
    """The office's own account, the debtor of its bank transfers (HOMEWARD_DEBTOR_NAME, ...,
    through ``Settings``, which inherits these fields and reads them with its prefix)."""

    debtor_name: str = Field(default="", max_length=70, description="Debtor of bank transfers")
    debtor_iban: str = Field(default="", max_length=34, description="The office's IBAN")
    debtor_bic: str = Field(default="", max_length=11, description="The office's BIC")


def simulated_systems(settings: Settings) -> list[str]:
    """The external systems a simulator stands in for (the production rule, the banner)."""
    modes = {  # the banner shows them in the page's language
        N_("embassy"): settings.embassy == EmbassyMode.SIMULATOR,
        N_("border guard and migration office"): settings.authorities == AuthoritiesMode.SIMULATOR,
        N_("booking"): settings.booking == BookingMode.SIMULATOR,
        N_("payments"): settings.payments == PaymentsMode.SIMULATOR,
        N_("notifications"): settings.notifications == NotificationsMode.SIMULATED,
        N_("partners"): settings.partners == PartnersMode.SIMULATED,
    }
    return [name for name, simulated in modes.items() if simulated]


def check_modes(settings: Settings) -> None:
    """Refuse a real mode missing what it needs and, in production, any simulator unless the
    installation is declared a training one."""
    mailing = [
        name for name, on in (
            ("HOMEWARD_NOTIFICATIONS=smtp", settings.notifications == "smtp"),
            ("HOMEWARD_EMBASSY=email", settings.embassy == EmbassyMode.EMAIL),
            ("HOMEWARD_AUTHORITIES=email", settings.authorities == AuthoritiesMode.EMAIL),
        ) if on
    ]
    if mailing and not (settings.smtp_host and settings.smtp_from):
        raise ValueError(f"{' and '.join(mailing)} needs HOMEWARD_SMTP_HOST and HOMEWARD_SMTP_FROM")
    if settings.authorities == AuthoritiesMode.EMAIL and not (
        settings.border_guard_emails and settings.migration_office_emails
    ):
        raise ValueError(
            "HOMEWARD_AUTHORITIES=email needs HOMEWARD_BORDER_GUARD_EMAILS and "
            'HOMEWARD_MIGRATION_OFFICE_EMAILS (addresses, comma-separated)'
        )
    if settings.payments == PaymentsMode.BANK_TRANSFER:
        check_debtor(settings)
    simulated = simulated_systems(settings)
    if settings.environment == "production" and simulated and not settings.allow_simulators:
        raise ValueError(
            f"production refuses simulated external systems ({', '.join(simulated)}): set "
            "their real modes, or HOMEWARD_ALLOW_SIMULATORS=true for a training installation"
        )


def check_debtor(settings: Settings) -> None:
    """Bank transfers need the office's own account, checked as the bank would."""
    from schwifty import BIC, IBAN

    if not (settings.debtor_name and settings.debtor_iban and settings.debtor_bic):
        raise ValueError(
            "HOMEWARD_PAYMENTS=bank_transfer needs the office's account: HOMEWARD_DEBTOR_NAME, "
            "HOMEWARD_DEBTOR_IBAN and HOMEWARD_DEBTOR_BIC"
        )
    for name, check in (("IBAN", IBAN), ("BIC", BIC)):
        try:
            check(getattr(settings, f"debtor_{name.lower()}"))
        except ValueError as err:
            raise ValueError(f"HOMEWARD_DEBTOR_{name} is not valid: {err}") from err
