"""Each external system's mode: production refuses simulators unless declared a training
installation; modes without a client yet are refused at start, not faked."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from core.settings import Settings

PRODUCTION = {
    "environment": "production", "secret_key": "k" * 40,
    "payload_keys": "prod-1:" + base64.b64encode(b"p" * 32).decode(),
}
MAIL = {"smtp_host": "smtp.office.test", "smtp_from": "homeward@office.test"}
REAL = {
    **MAIL, "embassy": "email", "authorities": "email", "notifications": "smtp",
    "partners": "webhook", "border_guard_emails": "bg@border.test",
    "migration_office_emails": "mo@migration.test",
}


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def test_development_runs_every_simulator_and_names_them() -> None:
    assert settings().simulated_systems == [
        "embassy", "border guard and migration office", "booking", "payments",
        "notifications", "partners",
    ]


def test_production_with_a_simulator_refuses_to_start() -> None:
    with pytest.raises(ValidationError, match=r"production refuses simulated external systems "
                       r"\(booking, payments\).*HOMEWARD_ALLOW_SIMULATORS=true"):
        settings(**PRODUCTION, **REAL)


def test_a_training_installation_may_run_simulators_in_production() -> None:
    training = settings(**PRODUCTION, **REAL, allow_simulators=True)
    assert training.simulated_systems == ["booking", "payments"]


def test_booking_by_a_travel_desk_runs_and_is_not_simulated() -> None:
    desk = settings(**PRODUCTION, **REAL, booking="desk", allow_simulators=True)
    assert desk.simulated_systems == ["payments"]


DEBTOR = {"debtor_name": "Homeward return office", "debtor_iban": "DE89370400440532013000",
          "debtor_bic": "COBADEFFXXX"}


def test_cash_runs_and_is_no_simulator() -> None:
    assert "payments" not in settings(payments="cash").simulated_systems


def test_bank_transfer_needs_the_office_account_checked_as_the_bank_would() -> None:
    with pytest.raises(ValidationError, match="needs the office's account: HOMEWARD_DEBTOR_NAME"):
        settings(payments="bank_transfer")
    with pytest.raises(ValidationError, match="HOMEWARD_DEBTOR_IBAN is not valid"):
        settings(payments="bank_transfer", **{**DEBTOR, "debtor_iban": "DE89370400440532013001"})
    with pytest.raises(ValidationError, match="HOMEWARD_DEBTOR_BIC is not valid"):
        settings(payments="bank_transfer", **{**DEBTOR, "debtor_bic": "COBA"})
    assert settings(payments="bank_transfer", **DEBTOR).simulated_systems[-3:] == [
        "booking", "notifications", "partners"]


def test_mailing_modes_need_smtp_and_addresses() -> None:
    with pytest.raises(ValidationError, match="HOMEWARD_EMBASSY=email needs HOMEWARD_SMTP_HOST"):
        settings(embassy="email")
    with pytest.raises(ValidationError, match="HOMEWARD_BORDER_GUARD_EMAILS"):
        settings(**MAIL, authorities="email")


def test_authority_addresses_are_comma_separated_in_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOMEWARD_BORDER_GUARD_EMAILS", "a@border.test, b@border.test")
    assert settings().border_guard_emails == ["a@border.test", "b@border.test"]


def test_the_desk_mode_wires_the_travel_desk_client() -> None:
    from activities.booking_desk import DeskBooking
    from activities.clients import clients_from

    assert isinstance(clients_from(settings(booking="desk")).booking, DeskBooking)
