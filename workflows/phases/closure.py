"""Closing a case, before or after departure: proposed with a reason, decided by a second
supervisor (four eyes on every closure); the workflow then undoes what was set up."""

from __future__ import annotations

from datetime import date
from typing import Any

from models import decisions as inputs
from models import schemas_aftercare as aftercare_schemas
from models.enums import ClosureReason, Stage, TaskKind
from models.payloads import CaseState
from workflows import aftercare_checks as ac
from workflows import minors
from workflows.decision import Decision, Field, Form
from workflows.phases.common import STAFF, approval, human

# Before departure a caseworker closes a case because the person withdrew or absconded; the
# other pre-departure reasons come from decisions (eligibility, travel documents).
BEFORE_DEPARTURE_REASONS = (ClosureReason.WITHDRAWN, ClosureReason.ABSCONDED)


def _reasons(state: CaseState) -> tuple[ClosureReason, ...]:
    if state.departed_on is None:
        return BEFORE_DEPARTURE_REASONS
    return tuple(r for r in ClosureReason if r not in ac.PRE_DEPARTURE_ONLY)


def _proposal_fields(state: CaseState) -> tuple[Field, ...]:
    return (
        Field("reason", "Reason", "select", human(_reasons(state))),
        Field("note", "Note", "textarea"),
    )


def _parse_proposal(form: dict[str, str]) -> dict[str, Any]:
    return {k: form[k].strip() for k in ("reason", "note") if form.get(k, "").strip()}


def _probe_reason(state: CaseState) -> ClosureReason:
    if state.stage == Stage.CLOSURE:
        return ClosureReason.COMPLETED
    return ClosureReason.LOST_CONTACT if state.departed_on else ClosureReason.WITHDRAWN


def _propose(state: CaseState, data: inputs.ProposeClosureInput, today: date) -> None:
    ac.propose_closure(state, data, today)
    minors.check_closure(state, data.reason)


def _decide(state: CaseState, data: inputs.ClosureDecisionInput, today: date) -> None:
    ac.decide_closure(state, data, today)
    if data.approve and state.closure_proposal is not None:
        minors.check_closure(state, state.closure_proposal.reason)


PROPOSE_CLOSURE = Decision(
    update="propose_closure", path="/cases/{case_id}/closure/proposal", roles=STAFF,
    action="propose closing the case", input=inputs.ProposeClosureInput, check=_propose,
    body=aftercare_schemas.ClosureProposalIn,
    doc="Propose closing the case with a reason (withdrawn, absconded, completed, ...); a "
        "different supervisor decides, then the workflow undoes what was set up.",
    form=Form(
        "closure-proposal", "Propose closing the case",
        lambda st, actor, today, o: inputs.ProposeClosureInput(
            actor=actor, reason=_probe_reason(st), note="-"),
        more_fields=_proposal_fields, parse=_parse_proposal, button="Propose closure",
    ),
)

DECIDE_CLOSURE = approval(
    "decide_closure", "/cases/{case_id}/closure/decision", "decide on the closure",
    inputs.ClosureDecisionInput, _decide,
    "Approve the closure (the case then accepts no further decisions) or send it back.",
    ("closure-decision", "Decide on closing the case"), answers=(TaskKind.APPROVE_CLOSURE,),
)

DECISIONS = (PROPOSE_CLOSURE, DECIDE_CLOSURE)
