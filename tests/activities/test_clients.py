"""The settings choose the notifications client: the simulator, or SMTP to the configured host."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from activities.clients import clients_from
from activities.embassy import SimulatedEmbassy
from activities.notifications import SimulatedNotifications
from activities.payments import SimulatedPayments
from core.settings import Settings
from models.external import Mail
from tests.smtp import SmtpServer, smtp_server  # noqa: F401


def settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(data_dir=tmp_path, _env_file=None, **values)  # type: ignore[call-arg, arg-type]


def test_the_simulator_is_the_default(tmp_path: Path) -> None:
    assert isinstance(clients_from(settings(tmp_path)).notifications, SimulatedNotifications)


async def test_smtp_settings_send_through_the_configured_server(
    tmp_path: Path, smtp_server: SmtpServer  # noqa: F811
) -> None:
    configured = settings(
        tmp_path, notifications="smtp", smtp_host="127.0.0.1", smtp_port=smtp_server.port,
        smtp_starttls=False, smtp_from="reminders@iom.test",
    )
    client = clients_from(configured).notifications
    await client.send(Mail(to=["anna@iom.test"], subject="LV-1: no-show", body="rebook"))
    [got] = smtp_server.inbox.received
    assert got.message["From"] == "reminders@iom.test" and got.subject == "LV-1: no-show"


def test_smtp_without_a_host_or_sender_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="HOMEWARD_SMTP_HOST"):
        settings(tmp_path, notifications="smtp", smtp_from="reminders@iom.test")


def test_simulators_take_their_behaviour_from_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "HOMEWARD_SIMULATORS",
        '{"embassy": {"latency_seconds": 2.5, "refusal_rate": 0.4, "seed": 7},'
        ' "payments": {"down": true}}',
    )
    clients = clients_from(settings(tmp_path))
    embassy, payments = clients.embassy, clients.payments
    assert isinstance(embassy, SimulatedEmbassy) and isinstance(payments, SimulatedPayments)
    assert embassy.config.latency_seconds == 2.5
    assert embassy.config.refusal_rate == 0.4
    assert payments.config.down
    assert not clients.booking.config.down  # type: ignore[attr-defined]


def test_an_unknown_simulated_system_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown systems \\['embasy'\\]"):
        clients_from(settings(tmp_path, simulators={"embasy": {"down": True}}))
    with pytest.raises(ValidationError, match="refusal_rate"):
        clients_from(settings(tmp_path, simulators={"embassy": {"refusal_rate": 3}}))
