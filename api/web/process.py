"""The process map of a case: each stage done, current, ahead or skipped, and the branch taken."""

from __future__ import annotations

from api.web.charts import MapNode
from models.enums import BookingStatus, CaseStatus, ClosureReason, DocumentStatus, Stage
from models.payloads import CaseState

LABELS = {
    Stage.INTAKE: "Intake",
    Stage.ELIGIBILITY: "Eligibility",
    Stage.CONSENT: "Consent",
    Stage.VULNERABILITY: "Vulnerability steps",
    Stage.TRAVEL_DOCUMENTS: "Travel documents",
    Stage.CLEARANCE: "Clearance",
    Stage.TRAVEL: "Travel",
    Stage.DEPARTED: "Departed",
    Stage.ARRIVAL: "Arrival",
    Stage.REINTEGRATION: "Reintegration",
    Stage.MONITORING: "Monitoring",
    Stage.CLOSURE: "Closure",
    Stage.CLOSED: "Closed",
}
PATH = [s for s in Stage if s != Stage.CLOSED]


def _notes(state: CaseState) -> dict[Stage, str]:
    notes: dict[Stage, str] = {}
    docs = state.documents.status
    if docs == DocumentStatus.NOT_NEEDED:
        notes[Stage.TRAVEL_DOCUMENTS] = "passports valid: no document needed"
    elif docs != DocumentStatus.NOT_ASSESSED:
        notes[Stage.TRAVEL_DOCUMENTS] = f"document {docs.value.replace('_', ' ')}"
    if state.steps:
        done = sum(s.done for s in state.steps)
        notes[Stage.VULNERABILITY] = f"{done} of {len(state.steps)} steps done"
    booking = state.active_booking
    if booking is not None:
        notes[Stage.TRAVEL] = f"{booking.booking_ref} on {booking.departure_date}"
        if booking.status == BookingStatus.NO_SHOW:
            notes[Stage.TRAVEL] += " (no-show)"
    if state.departed_on:
        notes[Stage.DEPARTED] = str(state.departed_on)
    if state.arrival.confirmed_on:
        notes[Stage.ARRIVAL] = f"arrived {state.arrival.confirmed_on}"
    if state.plan is not None:
        notes[Stage.REINTEGRATION] = f"plan {state.plan.status.value.replace('_', ' ')}"
    if state.monitoring.visits:
        reported = sum(v.reported_on is not None for v in state.monitoring.visits)
        notes[Stage.MONITORING] = f"{reported} of {len(state.monitoring.visits)} visits reported"
    return notes


def process_nodes(state: CaseState) -> tuple[list[MapNode], MapNode | None]:
    visited = [c.stage for c in state.stage_history] or [Stage.INTAKE]
    closed_early = state.stage == Stage.CLOSED and state.closure_reason not in (
        None, ClosureReason.COMPLETED
    )
    # Where the case is (or was when it closed early) on the main path.
    on_path = [s for s in visited if s != Stage.CLOSED]
    here = state.stage if state.stage != Stage.CLOSED else (on_path[-1] if on_path else Stage.INTAKE)
    here_at = PATH.index(here) if here in PATH else len(PATH)
    notes = _notes(state)
    nodes = []
    for i, stage in enumerate(PATH):
        if stage == here and closed_early:
            status = "closed"
        elif stage == here and state.stage != Stage.CLOSED:
            status = "current"
        elif i < here_at or (stage == here and state.stage == Stage.CLOSED):
            status = "done" if stage in visited else "skipped"
        else:
            status = "skipped" if closed_early else "ahead"
        nodes.append(MapNode(LABELS[stage], status, notes.get(stage, "")))
    if state.stage == Stage.CLOSED and not closed_early:
        nodes.append(MapNode(LABELS[Stage.CLOSED], "current"))
    branch = None
    if closed_early:
        reason = state.closure_reason.value.replace("_", " ") if state.closure_reason else ""
        branch = MapNode(f"closed at {LABELS[here].lower()}: {reason}", "closed",
                         state.closure_note or "")
    elif state.status == CaseStatus.SUSPENDED:
        branch = MapNode(f"suspended at {LABELS[here].lower()}", "closed")
    elif state.documents.status == DocumentStatus.NOT_NEEDED:
        branch = MapNode("no travel document needed: straight to clearance", "done")
    elif state.documents.status in (DocumentStatus.REQUESTED, DocumentStatus.ISSUED):
        branch = MapNode("travel document requested from the embassy", "done",
                         state.documents.request_ref or "")
    return nodes, branch
