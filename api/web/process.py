"""The process map of a case: each stage done, current, ahead or skipped, and the branch taken."""

from __future__ import annotations

from api.web.charts import MapNode
from core.i18n import N_, _, format_date
from models.enums import BookingStatus, CaseStatus, ClosureReason, DocumentStatus, Stage
from models.payloads import CaseState

LABELS = {  # in the page's language when the map is drawn (core/i18n.py)
    Stage.INTAKE: N_("Intake"),
    Stage.ELIGIBILITY: N_("Eligibility"),
    Stage.CONSENT: N_("Consent"),
    Stage.VULNERABILITY: N_("Vulnerability steps"),
    Stage.TRAVEL_DOCUMENTS: N_("Travel documents"),
    Stage.CLEARANCE: N_("Clearance"),
    Stage.TRAVEL: N_("Travel"),
    Stage.DEPARTED: N_("Departed"),
    Stage.ARRIVAL: N_("Arrival"),
    Stage.REINTEGRATION: N_("Reintegration"),
    Stage.MONITORING: N_("Monitoring"),
    Stage.CLOSURE: N_("Closure"),
    Stage.CLOSED: N_("Closed"),
}
PATH = [s for s in Stage if s != Stage.CLOSED]


def _notes(state: CaseState) -> dict[Stage, str]:
    notes: dict[Stage, str] = {}
    docs = state.documents.status
    if docs == DocumentStatus.NOT_NEEDED:
        notes[Stage.TRAVEL_DOCUMENTS] = _("passports valid: no document needed")
    elif docs != DocumentStatus.NOT_ASSESSED:
        notes[Stage.TRAVEL_DOCUMENTS] = _("document %(status)s", status=_(docs.value.replace("_", " ")))
    if state.steps:
        done = sum(s.done for s in state.steps)
        notes[Stage.VULNERABILITY] = _("%(done)s of %(all)s steps done", done=done, all=len(state.steps))
    booking = state.active_booking
    if booking is not None:
        notes[Stage.TRAVEL] = f"{booking.booking_ref}, {format_date(booking.departure_date)}"
        if booking.status == BookingStatus.NO_SHOW:
            notes[Stage.TRAVEL] += " (" + _("no show") + ")"
    if state.departed_on:
        notes[Stage.DEPARTED] = format_date(state.departed_on)
    if state.arrival.confirmed_on:
        notes[Stage.ARRIVAL] = _("arrived %(day)s", day=format_date(state.arrival.confirmed_on))
    if state.plan is not None:
        notes[Stage.REINTEGRATION] = _("plan %(status)s", status=_(state.plan.status.value.replace("_", " ")))
    if state.monitoring.visits:
        reported = sum(v.reported_on is not None for v in state.monitoring.visits)
        notes[Stage.MONITORING] = _("%(done)s of %(all)s visits reported", done=reported,
                                     all=len(state.monitoring.visits))
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
        nodes.append(MapNode(_(LABELS[stage]), status, notes.get(stage, "")))
    if state.stage == Stage.CLOSED and not closed_early:
        nodes.append(MapNode(_(LABELS[Stage.CLOSED]), "current"))
    branch = None
    if closed_early:
        reason = state.closure_reason.value.replace("_", " ") if state.closure_reason else ""
        branch = MapNode(_("closed at %(stage)s: %(reason)s", stage=_(LABELS[here]).lower(),
                                           reason=_(reason)), "closed",
                         state.closure_note or "")
    elif state.status == CaseStatus.SUSPENDED:
        branch = MapNode(_("suspended at %(stage)s", stage=_(LABELS[here]).lower()), "closed")
    elif state.documents.status == DocumentStatus.NOT_NEEDED:
        branch = MapNode(_("no travel document needed: straight to clearance"), "done")
    elif state.documents.status in (DocumentStatus.REQUESTED, DocumentStatus.ISSUED):
        branch = MapNode(_("travel document requested from the embassy"), "done",
                         state.documents.request_ref or "")
    return nodes, branch
