"""Handover to the reintegration partner, the arrival and the help given on arrival."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models import decisions as inputs
from models import schemas_aftercare as aftercare_schemas
from models import schemas_protection as protection_schemas
from models.enums import AssistanceKind, TaskKind
from models.payloads import CaseState
from workflows import aftercare_checks as ac
from workflows import minors
from workflows.decision import Decision, Field, Form
from workflows.phases.common import STAFF, STAFF_OR_PARTNER, human


def since(state: CaseState, today: date) -> date:
    """The earliest day a report after departure can carry: the arrival, else the departure.
    The workflow's clock may run ahead of this server's; the probe runs on the later one."""
    return max(today, state.arrival.confirmed_on or state.departed_on or today)


def since_text(state: CaseState, today: date) -> str:
    return (state.arrival.confirmed_on or state.departed_on or today).isoformat()


HAND_OVER = Decision(
    update="hand_over", path="/cases/{case_id}/handover", roles=STAFF,
    action="hand the case over", input=inputs.HandOverInput, check=ac.hand_over,
    doc="Hand the case over to the partner for its country again (after adding a partner).",
    form=Form("handover", "Hand the case over to the partner", button="Hand over"),
)

CONFIRM_ARRIVAL = Decision(
    update="confirm_arrival", path="/cases/{case_id}/arrival", roles=STAFF_OR_PARTNER,
    action="confirm the arrival", input=inputs.ConfirmArrivalInput, check=ac.arrival,
    body=aftercare_schemas.ArrivalIn, doc="The partner (or staff) confirms the returnee arrived.",
    answers=(TaskKind.CONFIRM_ARRIVAL,),
    form=Form(
        "arrival", "Confirm the arrival",
        lambda st, actor, today, o: inputs.ConfirmArrivalInput(
            actor=actor, arrived_on=st.departed_on or today),
        fields=(Field("arrived_on", "Arrived on", "date", default=since_text),),
        button="Confirm arrival", probe_day=since,
    ),
)

RECORD_ASSISTANCE = Decision(
    update="record_assistance", path="/cases/{case_id}/arrival/assistance",
    roles=STAFF_OR_PARTNER, action="record post-arrival assistance",
    input=inputs.RecordAssistanceInput, check=ac.assistance, body=aftercare_schemas.AssistanceIn,
    doc="Post-arrival assistance (pick-up, transport, accommodation, medical) with its cost.",
    form=Form(
        "assistance", "Record post-arrival assistance",
        lambda st, actor, today, o: inputs.RecordAssistanceInput(
            actor=actor, kind=AssistanceKind.AIRPORT_PICK_UP,
            provided_on=st.arrival.confirmed_on or today, cost=Decimal(0)),
        fields=(
            Field("kind", "Assistance", "select", human(AssistanceKind)),
            Field("provided_on", "Provided on", "date", default=since_text),
            Field("cost", "Cost"),
        ),
        probe_day=since,
    ),
)

RECORD_MINOR_HANDOVER = Decision(
    update="record_minor_handover", path="/cases/{case_id}/minors/handover",
    roles=STAFF_OR_PARTNER, action="record a minor's handover",
    input=inputs.MinorHandoverInput, check=minors.check_handover,
    body=protection_schemas.MinorHandoverFactsIn,
    doc="An unaccompanied minor's handover at arrival, from its record (POST "
        "/cases/{case_id}/minors/handover-records writes the record, then takes this): the "
        "workflow learns the record's id, to whom by kind, and whether identity was checked.",
    answers=(TaskKind.MINOR_HANDOVER,),
)

DECISIONS = (HAND_OVER, CONFIRM_ARRIVAL, RECORD_ASSISTANCE, RECORD_MINOR_HANDOVER)
