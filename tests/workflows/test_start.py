"""The state a case's workflow starts from at a later stage (an import), without Temporal."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from models.enums import LegalSituation, LocationType, PlanStatus, Stage
from models.payloads import CaseWorkflowInput, PriorHistory
from tests.workflows.scenario import person
from workflows.start import state_at_stage

NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
CASE = CaseWorkflowInput(
    case_id="c1", reference="LV-2026-000001", country_of_origin="GE",
    legal_situation=LegalSituation.IRREGULAR_STAY, location_type=LocationType.RECEPTION_CENTRE,
    household=[person("m1")],
)


def prior(stage: Stage, **fields: object) -> PriorHistory:
    return PriorHistory(stage=stage, intake_date=date(2026, 1, 5), recorded_by="sup-mara",
                        consent_signed_on=date(2026, 1, 20), **fields)  # type: ignore[arg-type]


def test_a_case_before_departure_starts_with_what_its_stage_implies_done() -> None:
    state = state_at_stage(CASE, prior(Stage.TRAVEL_DOCUMENTS), NOW)
    assert state.stage == Stage.TRAVEL_DOCUMENTS and state.unprojected
    assert state.eligibility is not None and state.eligibility.approved
    assert state.consent is not None and state.consent.share_with_partner
    assert state.awaiting == "an assessment of the household's travel documents"


def test_a_departed_case_is_handed_over_as_its_workflow_starts() -> None:
    state = state_at_stage(CASE, prior(Stage.ARRIVAL, departed_on=date(2026, 8, 1)), NOW)
    assert state.stage == Stage.DEPARTED and state.handover_due and state.handover is None


def test_a_case_in_monitoring_keeps_only_the_visits_still_ahead() -> None:
    state = state_at_stage(CASE, prior(
        Stage.MONITORING, departed_on=date(2026, 3, 1), arrived_on=date(2026, 3, 2),
        partner_id="GE-partner", reintegration_spent=Decimal("800.00"),
    ), NOW)
    assert state.handover is not None and state.handover.partner_id == "GE-partner"
    assert state.plan is not None and state.plan.status == PlanStatus.APPROVED
    assert state.plan.total == Decimal("800.00")
    # Visits at 3, 6 and 12 months: the first (June) is past on 1 September.
    assert [(v.number, v.due_on) for v in state.monitoring.visits] == [
        (2, date(2026, 9, 2)), (3, date(2027, 3, 2)),
    ]
    assert state.awaiting == "monitoring visit 2, due on 2026-09-02"
    over = state_at_stage(CASE, prior(
        Stage.MONITORING, departed_on=date(2025, 1, 1), arrived_on=date(2025, 1, 2),
        partner_id="GE-partner",
    ), NOW)
    assert over.stage == Stage.CLOSURE
    assert over.awaiting == "a closure proposal (monitoring is over)"
