"""The external-system simulators behind the activities: seeded, refusing, failing, idempotent."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.authorities import AuthorityActivities, SimulatedAuthorities
from activities.booking import BookingActivities, SimulatedBooking
from activities.embassy import EmbassyActivities, SimulatedEmbassy
from activities.notifications import SimulatedNotifications
from activities.payments import PaymentActivities, SimulatedPayments, read_ledger
from activities.simulation import ServiceUnavailable, SimulatorConfig
from models.enums import LocationType
from models.external import (
    EMBASSY_REFUSED,
    PAYMENT_DECLINED,
    Authority,
    AuthorityNotice,
    BookingRequest,
    CancelBooking,
    DocumentRequest,
    Mail,
    PaymentRequest,
)

ENV = ActivityEnvironment()


def document(key: str) -> DocumentRequest:
    return DocumentRequest(case_id="c1", request_key=key, country_of_origin="GE", member_ids=["m1"])


def payment(key: str = "c1:p1") -> PaymentRequest:
    return PaymentRequest(
        case_id="c1", payment_id="p1", idempotency_key=key, amount=Decimal("300.50"), currency="EUR"
    )


async def embassy_answers(seed: int) -> list[str]:
    activities = EmbassyActivities(SimulatedEmbassy(SimulatorConfig(seed=seed, refusal_rate=0.5)))
    out = []
    for i in range(12):
        try:
            result = await ENV.run(activities.request_travel_document, document(f"k{i}"))
            out.append(result.request_ref)
        except ApplicationError as err:
            assert err.type == EMBASSY_REFUSED and err.non_retryable
            out.append("refused")
    return out


async def test_same_seed_same_refusals_and_references() -> None:
    first, again = await embassy_answers(7), await embassy_answers(7)
    assert first == again
    assert "refused" in first and any(r != "refused" for r in first)
    assert await embassy_answers(8) != first


async def test_a_repeated_request_key_files_nothing_twice() -> None:
    sim = SimulatedEmbassy(SimulatorConfig(seed=1))
    activities = EmbassyActivities(sim)
    one = await ENV.run(activities.request_travel_document, document("c1:etd:1"))
    two = await ENV.run(activities.request_travel_document, document("c1:etd:1"))
    assert one == two and len(sim.requests) == 1


async def test_outages_are_technical_failures_then_the_system_recovers() -> None:
    sim = SimulatedBooking(SimulatorConfig(seed=1, fail_next_calls=2))
    activities = BookingActivities(sim)
    request = BookingRequest(
        case_id="c1",
        booking_key="c1:booking:1",
        country_of_origin="GE",
        destination_city="Tbilisi",
        departure_date=date(2027, 1, 10),
        travellers=1,
        escort=False,
        transit_assistance=True,
    )
    for _ in range(2):
        with pytest.raises(ServiceUnavailable):
            await ENV.run(activities.book_travel, request)
    booked = await ENV.run(activities.book_travel, request)
    assert booked.departure_date == date(2027, 1, 10)
    cancelled = await ENV.run(
        activities.cancel_booking, CancelBooking(case_id="c1", booking_ref=booked.booking_ref)
    )
    assert cancelled.cancelled and sim.active == []
    unknown = await ENV.run(
        activities.cancel_booking, CancelBooking(case_id="c1", booking_ref="nope")
    )
    assert not unknown.cancelled


async def test_down_switch_and_outage_windows() -> None:
    now = datetime(2027, 1, 1, 12, tzinfo=UTC)
    window = (now - timedelta(hours=1), now + timedelta(hours=1))
    sim = SimulatedAuthorities(SimulatorConfig(outage_windows=[window]), clock=lambda: now)
    notice = AuthorityNotice(
        case_id="c1",
        authority=Authority.BORDER_GUARD,
        planned_departure=date(2027, 2, 1),
        travellers=2,
        location_type=LocationType.DETENTION_CENTRE,
    )
    with pytest.raises(ServiceUnavailable, match="maintenance window"):
        await ENV.run(AuthorityActivities(sim).notify_authority, notice)
    sim.config.outage_windows = []
    first = await ENV.run(AuthorityActivities(sim).notify_authority, notice)
    assert first == await ENV.run(AuthorityActivities(sim).notify_authority, notice)
    sim.config.down = True
    with pytest.raises(ServiceUnavailable, match="is down"):
        await ENV.run(AuthorityActivities(sim).notify_authority, notice)


async def test_payment_crash_after_record_then_retry_pays_once() -> None:
    sim = SimulatedPayments(SimulatorConfig(seed=3))
    sim.crash_after_record = 1
    activities = PaymentActivities(sim)
    with pytest.raises(ServiceUnavailable, match="after the payment was recorded"):
        await ENV.run(activities.pay_grant, payment())
    assert len(sim.ledger) == 1
    receipt = await ENV.run(activities.pay_grant, payment())
    assert receipt.receipt_ref == sim.ledger[0].receipt_ref
    assert len(sim.ledger) == 1
    await ENV.run(activities.pay_grant, payment("c1:p2"))
    assert [e.idempotency_key for e in sim.ledger] == ["c1:p1", "c1:p2"]


async def test_declined_payment_is_a_non_retryable_domain_error() -> None:
    sim = SimulatedPayments(SimulatorConfig(seed=3, refusal_rate=1.0))
    with pytest.raises(ApplicationError) as err:
        await ENV.run(PaymentActivities(sim).pay_grant, payment())
    assert err.value.type == PAYMENT_DECLINED and err.value.non_retryable
    assert sim.ledger == []


async def test_latency_is_applied_and_reminders_land_in_the_outbox() -> None:
    sim = SimulatedNotifications(SimulatorConfig(latency_seconds=0.05))
    mail = Mail(to=["anna@iom.test"], subject="chase the embassy", body="no answer for 7 days")
    started = datetime.now(UTC)
    message_id = await sim.send(mail)
    assert datetime.now(UTC) - started >= timedelta(seconds=0.05)
    assert message_id.startswith("MSG-")
    assert sim.outbox == [mail]


async def test_a_ledger_file_outlives_the_simulator(tmp_path: Path) -> None:
    config = SimulatorConfig(seed=3, ledger_path=str(tmp_path / "ledger.jsonl"))
    first = SimulatedPayments(config)
    receipt = await ENV.run(PaymentActivities(first).pay_grant, payment())
    # A new process (a restarted worker) reads the file: the same key is not paid again.
    again = SimulatedPayments(config.model_copy())
    assert await ENV.run(PaymentActivities(again).pay_grant, payment()) == receipt
    await ENV.run(PaymentActivities(again).pay_grant, payment("c1:p2"))
    assert [e.idempotency_key for e in read_ledger(tmp_path / "ledger.jsonl")] == [
        "c1:p1", "c1:p2"
    ]


async def test_outage_windows_follow_the_servers_clock_inside_an_activity() -> None:
    scheduled = datetime(2030, 5, 1, 12, tzinfo=UTC)
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, current_attempt_scheduled_time=scheduled)
    notice = AuthorityNotice(case_id="c1", authority=Authority.BORDER_GUARD,
                             planned_departure=date(2030, 6, 1), travellers=1,
                             location_type=LocationType.RECEPTION_CENTRE)
    window = (scheduled - timedelta(days=1), scheduled + timedelta(days=6))
    sim = SimulatedAuthorities(SimulatorConfig(outage_windows=[window]))
    with pytest.raises(ServiceUnavailable, match="maintenance window"):
        await env.run(AuthorityActivities(sim).notify_authority, notice)
    env.info = dataclasses.replace(env.info, current_attempt_scheduled_time=window[1])
    await env.run(AuthorityActivities(sim).notify_authority, notice)
