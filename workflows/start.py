"""The state a case's workflow starts from: at intake for a new case, or at a later stage
for a case imported from a programme's own records."""

from __future__ import annotations

from models.payloads import CaseState, CaseWorkflowInput
from workflows import rules


def first_state(data: CaseWorkflowInput) -> CaseState:
    """A new case, at intake: its household's vulnerability steps still to do."""
    return CaseState(
        case_id=data.case_id,
        reference=data.reference,
        country_of_origin=data.country_of_origin,
        legal_situation=data.legal_situation,
        location_type=data.location_type,
        household=data.household,
        return_decision_date=data.return_decision_date,
        voluntary_departure_deadline=data.voluntary_departure_deadline,
        preferred_language=data.preferred_language,
        destination_city=data.destination_city,
        policy=data.policy,
        assignee_id=data.assignee_id,
        project_id=data.project_id,
        steps=rules.steps_for(data.household),
    )
