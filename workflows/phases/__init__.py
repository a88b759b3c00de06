"""The phases of a return, each with its decisions declared once (see workflows/decision.py).

Adding a decision: declare it in its phase's module (body, input, check and form beside it),
write the function that applies it and its row in ``workflows/updates.py`` (the update is made
from that row), and its row in tests/api/test_access_matrix.py.
"""

from __future__ import annotations

from workflows.decision import Decision
from workflows.phases import (
    arrival,
    closure,
    documents,
    grant,
    intake,
    monitoring,
    partners,
    reintegration,
    supervision,
    travel,
    travel_desk,
    vulnerability,
)

# In the order of a case's path: the web page offers its forms in this order, and the API's
# documentation groups the routes by phase.
PHASES: dict[str, tuple[Decision, ...]] = {
    "intake": intake.DECISIONS,
    "partner": partners.DECISIONS,
    "vulnerability": vulnerability.DECISIONS,
    "travel documents": documents.DECISIONS,
    "grant": grant.DECISIONS,
    "travel": travel.DECISIONS,
    "travel desk": travel_desk.DECISIONS,
    "arrival": arrival.DECISIONS,
    "reintegration": reintegration.DECISIONS,
    "monitoring": monitoring.DECISIONS,
    "closure": closure.DECISIONS,
    "supervision": supervision.DECISIONS,
}
DECISIONS: tuple[Decision, ...] = tuple(d for phase in PHASES.values() for d in phase)
