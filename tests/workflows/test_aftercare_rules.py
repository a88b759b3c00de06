"""The pure rules after departure: the score, indicator checks, the assistance window."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from temporalio.exceptions import ApplicationError

from api.web.templating import refusal_text
from core import i18n
from models.decisions import RecordAssistanceInput
from models.enums import AssistanceKind, Dimension, LegalSituation, LocationType, Role, Stage
from models.payloads import Actor, CaseState
from models.policy import Indicator, ScoringPolicy
from models.reintegration import Arrival, Handover
from workflows import aftercare_checks, score
from workflows.aftercare import add_months

ALL = {i.key: 4 for i in ScoringPolicy().indicators}


def test_full_marks_score_one_and_zeroes_score_zero() -> None:
    top = score.score(ALL, ScoringPolicy())
    assert (top.economic, top.social, top.psychosocial, top.overall) == (Decimal("1.00"),) * 4
    bottom = score.score({k: 0 for k in ALL}, ScoringPolicy())
    assert bottom.overall == Decimal("0.00")


def test_weights_and_scale_are_configurable() -> None:
    scoring = ScoringPolicy(
        scale_max=10,
        indicators=[
            Indicator(key="income", dimension=Dimension.ECONOMIC, question="?", weight=Decimal(3)),
            Indicator(key="job", dimension=Dimension.ECONOMIC, question="?"),
            Indicator(key="housing", dimension=Dimension.SOCIAL, question="?"),
        ],
        dimension_weights={Dimension.ECONOMIC: Decimal(2), Dimension.SOCIAL: Decimal(1),
                           Dimension.PSYCHOSOCIAL: Decimal(1)},
    )
    s = score.score({"income": 10, "job": 2, "housing": 5}, scoring)
    # economic (3*10 + 2) / 4 / 10 = 0.8; social 0.5; no psychosocial indicator: left out.
    assert (s.economic, s.social, s.psychosocial) == (Decimal("0.80"), Decimal("0.50"), Decimal("0.00"))
    assert s.overall == Decimal("0.70")  # (2*0.8 + 0.5) / 3


def test_indicator_problems_name_each_indicator() -> None:
    ratings = dict(ALL, housing=5, mood=2)
    del ratings["safety"]
    assert score.problems(ratings, ScoringPolicy()) == [
        "unknown indicator 'mood'",
        "indicator 'safety' is missing",
        "indicator 'housing' is rated 5, the scale is 0 to 4",
    ]


def test_visits_fall_due_in_calendar_months_clamped_to_the_month_end() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 31), 12) == date(2027, 1, 31)


def test_assistance_is_recorded_within_the_working_day_window_only() -> None:
    state = CaseState(
        case_id="c", reference="r", country_of_origin="GE",
        legal_situation=LegalSituation.OTHER, location_type=LocationType.COMMUNITY,
        stage=Stage.REINTEGRATION, arrival=Arrival(confirmed_on=date(2026, 3, 2)),  # a Monday
        handover=Handover(partner_id="GE-partner", handed_over_at="2026-03-01T00:00:00Z",
                          partner_ref="x"),
    )
    actor = Actor(id="p", role=Role.PARTNER, organisation="GE-partner")

    def record(day: date) -> None:
        aftercare_checks.assistance(
            state,
            RecordAssistanceInput(actor=actor, kind=AssistanceKind.ONWARD_TRANSPORT,
                                  provided_on=day, cost=Decimal(20)),
            date(2026, 4, 1),
        )

    record(date(2026, 3, 20))  # the 14th working day after the arrival
    with pytest.raises(ApplicationError, match="within 14 working days of the arrival") as err:
        record(date(2026, 3, 23))
    # Its stable code and parameters, which the page shows in the user's language.
    (details,) = err.value.details
    assert details == {"code": "assistance_too_late", "params": {
        "window": "14", "arrived": "2026-03-02", "provided_on": "2026-03-23"}}
    with i18n.language("lv"):
        shown = refusal_text({"refusal": err.value.message, "refusal_code": details["code"],
                              "refusal_params": details["params"]})
    assert shown == ("palīdzību pēc ierašanās reģistrē 14 darba dienu laikā pēc ierašanās "
                     "2026-03-02; 2026-03-23 ir vēlāk")
    with pytest.raises(ApplicationError, match="before the arrival"):
        record(date(2026, 3, 1))
