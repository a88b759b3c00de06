"""The pure rules behind the workflow: steps per flag, grant lines, lead times, warnings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from models.enums import (
    BookingStatus,
    LegalSituation,
    LocationType,
    Relationship,
    Sex,
    Stage,
    StepKind,
    Vulnerability,
)
from models.payloads import Booking, CaseState, Traveller, VulnerabilityStep
from models.policy import GrantPolicy, grant_lines, working_days_between
from workflows import rules
from workflows.checks import departure_date


def state(**fields: object) -> CaseState:
    base = CaseState(
        case_id="c1",
        reference="LV-2026-000001",
        country_of_origin="GE",
        legal_situation=LegalSituation.IRREGULAR_STAY,
        location_type=LocationType.COMMUNITY,
        stage=Stage.TRAVEL,
    )
    return base.model_copy(update=fields)


def booking(requested_on: date, departure: date) -> Booking:
    return Booking(
        booking_ref="BK-1",
        departure_date=departure,
        flight="SIM100",
        escort=False,
        transit_assistance=False,
        requested_on=requested_on,
    )


def test_steps_per_flag_once_per_person() -> None:
    member = Traveller(
        member_id="m1",
        relationship=Relationship.PRINCIPAL,
        sex=Sex.FEMALE,
        is_minor=False,
        nationality="GE",
        vulnerabilities=[
            Vulnerability.MEDICAL_CONDITION,
            Vulnerability.PREGNANT,
            Vulnerability.ELDERLY,
            Vulnerability.SINGLE_PARENT,
        ],
    )
    kinds = [s.kind for s in rules.steps_for([member])]
    assert kinds == [StepKind.FIT_TO_TRAVEL, StepKind.ESCORT_DECISION, StepKind.AIRPORT_ASSISTANCE]


def test_grant_lines_use_decimal_amounts_and_top_ups() -> None:
    policy = GrantPolicy(
        currency="EUR",
        per_adult=Decimal("312.50"),
        per_child=Decimal("100.25"),
        top_ups={Vulnerability.TRAFFICKING_VICTIM: Decimal("49.99")},
    )
    lines = grant_lines(
        policy,
        [("a", False, [Vulnerability.TRAFFICKING_VICTIM, Vulnerability.ELDERLY]), ("c", True, [])],
    )
    assert [line.total for line in lines] == [Decimal("362.49"), Decimal("100.25")]
    assert lines[0].top_ups == {Vulnerability.TRAFFICKING_VICTIM: Decimal("49.99")}


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 11, 20), date(2026, 11, 27), 5),  # Friday to Friday
        (date(2026, 11, 21), date(2026, 11, 23), 1),  # Saturday to Monday
        (date(2026, 11, 23), date(2026, 11, 23), 0),
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


def test_lead_time_warnings_follow_the_policy() -> None:
    on_time = state(bookings=[booking(date(2026, 1, 1), date(2026, 1, 25))])
    assert rules.warnings(on_time, date(2026, 1, 1)) == []
    late = state(bookings=[booking(date(2026, 1, 1), date(2026, 1, 6))])
    warnings = rules.warnings(late, date(2026, 1, 1))
    assert warnings == [
        "lead time: registered 5 calendar days before departure, the rule is at least 19",
        "lead time: flight details sent 3 working days before departure, the rule is at least 5",
    ]
    vulnerable = on_time.model_copy(
        update={
            "household": [
                Traveller(
                    member_id="m1",
                    relationship=Relationship.PRINCIPAL,
                    sex=Sex.MALE,
                    is_minor=True,
                    nationality="GE",
                    vulnerabilities=[Vulnerability.UNACCOMPANIED_MINOR],
                )
            ]
        }
    )
    assert rules.registration_days(vulnerable) == 30
    assert rules.warnings(vulnerable, date(2026, 1, 1)) == [
        "lead time: registered 24 calendar days before departure, the rule is at least 30"
    ]
    relaxed = late.model_copy(deep=True)
    relaxed.policy.lead_times.registration_calendar_days = 5
    relaxed.policy.lead_times.flight_details_working_days = 3
    assert rules.warnings(relaxed, date(2026, 1, 1)) == []


def test_voluntary_departure_deadline_warnings() -> None:
    deadline = date(2026, 3, 1)
    after = state(
        voluntary_departure_deadline=deadline,
        bookings=[booking(date(2026, 1, 1), date(2026, 3, 5))],
    )
    assert "departure 2026-03-05 is after the voluntary-departure deadline 2026-03-01" in (
        rules.warnings(after, date(2026, 1, 1))
    )
    soon = state(voluntary_departure_deadline=deadline)
    assert rules.warnings(soon, date(2026, 2, 25)) == [
        "the voluntary-departure deadline 2026-03-01 is in 4 days"
    ]
    assert rules.warnings(soon, date(2026, 3, 2)) == [
        "the voluntary-departure deadline 2026-03-01 has passed"
    ]
    assert rules.warnings(soon.model_copy(update={"stage": Stage.DEPARTED}), date(2026, 3, 2)) == []


def test_fit_to_travel_expiry_warns_and_blocks() -> None:
    step = VulnerabilityStep(
        member_id="m1", kind=StepKind.FIT_TO_TRAVEL, done=True, valid_until=date(2026, 2, 1)
    )
    s = state(steps=[step], bookings=[booking(date(2026, 1, 1), date(2026, 2, 10))])
    assert (
        "fit-to-travel certificate of member m1 expires 2026-02-01, before departure 2026-02-10"
        in rules.warnings(s, date(2026, 1, 2))
    )
    assert rules.departure_blockers(s, date(2026, 2, 10)) == [
        "fit-to-travel certificate of member m1 expires 2026-02-01"
    ]
    with pytest.raises(Exception, match="expires 2026-02-01, before the departure on 2026-02-10"):
        departure_date(s, date(2026, 1, 2), date(2026, 2, 10))
    assert s.bookings[0].status == BookingStatus.BOOKED


def test_a_flight_on_the_booking_day_only_where_the_policy_allows_it() -> None:
    today = date(2026, 3, 2)
    s = state()
    with pytest.raises(Exception, match="2026-03-02 must be in the future"):
        departure_date(s, today, today)
    departure_date(s, today, date(2026, 3, 3))
    same_day = s.policy.model_copy(deep=True)
    same_day.lead_times.earliest_departure_days = 0
    s = state(policy=same_day)
    departure_date(s, today, today)  # a last-minute seat
    with pytest.raises(Exception, match="2026-03-01 is in the past"):
        departure_date(s, today, date(2026, 3, 1))
    later = s.policy.model_copy(deep=True)
    later.lead_times.earliest_departure_days = 3
    with pytest.raises(Exception, match="2026-03-04 is too soon: the project's policy books flights from 2026-03-05 on"):
        departure_date(state(policy=later), today, date(2026, 3, 4))
