"""The decisions the case page offers: only those the workflow would accept now.

Each action names the API route whose rule in api/policy.py it follows, the workflow update
it runs, the check behind that update's validator (workflows/checks.py) and the API schema
its form fills. An action is offered when the role may call its route and its check, probed
with the most permissive input the form could send, raises no refusal. Adding a decision is
one entry in ACTIONS (the lead's after-arrival decisions and the stuck-case actions plug in
here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel

from models import decisions as d
from models import schemas as s
from models.enums import (
    ClearanceKind,
    ClosureReason,
    DocumentChoice,
    NoShowChoice,
    StepKind,
)
from models.payloads import Actor, CaseState, CounsellingSession
from workflows import aftercare_checks, checks, rules
from workflows.return_case import ReturnCaseWorkflow

FAR = timedelta(days=3650)


@dataclass(frozen=True)
class Field:
    """One form field; ``kind`` is date, text, textarea, checkbox, select, hidden, or
    caseworker (a choice among the active caseworkers, the page supplies them)."""

    name: str
    label: str
    kind: str = "text"
    options: tuple[tuple[str, str], ...] = ()
    required: bool = True
    default: Callable[[CaseState, date], str] | None = None
    blank: str | None = None  # a select's empty first choice: nothing chosen for the user


@dataclass(frozen=True)
class Offer:
    """One form of an action on this case: fixed (hidden) values and a title suffix."""

    fixed: dict[str, str] = field(default_factory=dict)
    suffix: str = ""
    hidden_fields: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Action:
    key: str
    title: str
    api_path: str  # the API route whose policy rule this action follows
    update: Any  # the workflow update it runs
    check: Callable[[CaseState, Any, date], None]
    schema: type[BaseModel] | None  # the API body the form fills (None: no fields)
    to_input: Callable[[Actor, dict[str, Any]], BaseModel]
    probe: Callable[[CaseState, Actor, date, Offer], BaseModel]
    fields: tuple[Field, ...] = ()
    offers: Callable[[CaseState], list[Offer]] = lambda state: [Offer()]
    button: str = "Record"
    # The day the probe is run as; see the departure action.
    probe_day: Callable[[CaseState, date], date] = lambda state, today: today
    # Fields that depend on the case (e.g. the policy's monitoring indicators).
    more_fields: Callable[[CaseState], tuple[Field, ...]] = lambda state: ()
    # The API body from the form's flat values, where fields repeat (plan components).
    parse: Callable[[dict[str, str]], dict[str, Any]] | None = None


def _today(state: CaseState, today: date) -> str:
    return today.isoformat()


def _model(model: type[BaseModel]) -> Callable[[Actor, dict[str, Any]], BaseModel]:
    return lambda actor, body: model(actor=actor, **body)


YES_NO = (("true", "Yes"), ("false", "No"))
APPROVE = (("true", "Approve"), ("false", "Send back / reject"))


def _step_offers(state: CaseState) -> list[Offer]:
    offers = []
    for step in state.steps:
        if step.done:
            continue
        hidden = {"valid_until", "escort_required"}
        if step.kind == StepKind.FIT_TO_TRAVEL:
            hidden.discard("valid_until")
        if step.kind == StepKind.ESCORT_DECISION:
            hidden.discard("escort_required")
        offers.append(Offer(
            fixed={"member_id": step.member_id, "kind": step.kind.value},
            suffix=f"{step.kind.value.replace('_', ' ')} (member {_member_no(state, step.member_id)})",
            hidden_fields=frozenset(hidden),
        ))
    return offers


def _member_no(state: CaseState, member_id: str) -> int:
    ids = [m.member_id for m in state.household]
    return ids.index(member_id) + 1 if member_id in ids else 0


def _clearance_offers(state: CaseState) -> list[Offer]:
    done = {c.kind for c in state.clearance.confirmations}
    return [
        Offer(fixed={"kind": k.value}, suffix=k.value.replace("_", " "))
        for k in sorted(rules.clearance_required(state) - done)
    ]


def _booking_ref(state: CaseState) -> list[Offer]:
    b = state.active_booking
    return [Offer(fixed={"booking_ref": b.booking_ref}, suffix=b.booking_ref)] if b else []


def _request_ref(state: CaseState) -> list[Offer]:
    ref = state.documents.request_ref
    return [Offer(fixed={"request_ref": ref}, suffix=ref)] if ref else []


def _booking_day(state: CaseState, today: date) -> date:
    # Departure is confirmed on or after the booked day; the workflow's clock decides that
    # (it can differ from this server's), so the form shows once the booking is departable.
    b = state.active_booking
    return max(today, b.departure_date) if b else today


BEFORE_DEPARTURE_ACTIONS: tuple[Action, ...] = (
    Action(
        "counselling", "Record a counselling session", "/cases/{case_id}/counselling-sessions",
        ReturnCaseWorkflow.record_counselling, checks.counselling, s.CounsellingSessionIn,
        lambda actor, body: d.RecordCounsellingInput(session=CounsellingSession(**body), actor=actor),
        lambda st, actor, today, o: d.RecordCounsellingInput(
            session=CounsellingSession(held_on=today, place="-", language="--"), actor=actor),
        fields=(
            Field("held_on", "Held on", "date", default=_today),
            Field("place", "Place"),
            Field("language", "Language"),
            Field("interpreter", "Interpreter present", "checkbox", required=False),
            Field("notes", "Notes", "textarea", required=False),
        ),
    ),
    Action(
        "complete-intake", "Complete intake", "/cases/{case_id}/intake/complete",
        ReturnCaseWorkflow.complete_intake, checks.complete_intake, None,
        lambda actor, body: d.CompleteIntakeInput(actor=actor),
        lambda st, actor, today, o: d.CompleteIntakeInput(actor=actor),
        button="Complete intake",
    ),
    Action(
        "eligibility-assessment", "Submit the eligibility assessment",
        "/cases/{case_id}/eligibility/assessment",
        ReturnCaseWorkflow.submit_eligibility, checks.submit_eligibility,
        s.EligibilityAssessmentIn, _model(d.SubmitEligibilityInput),
        lambda st, actor, today, o: d.SubmitEligibilityInput(actor=actor, eligible=True, notes="-"),
        fields=(Field("eligible", "Eligible", "select", YES_NO), Field("notes", "Notes", "textarea")),
        button="Submit",
    ),
    Action(
        "eligibility-decision", "Decide on the eligibility assessment",
        "/cases/{case_id}/eligibility/decision",
        ReturnCaseWorkflow.decide_eligibility, checks.decide_eligibility,
        s.ApprovalIn, _model(d.EligibilityDecisionInput),
        lambda st, actor, today, o: d.EligibilityDecisionInput(actor=actor, approve=True, reason="-"),
        fields=(Field("approve", "Decision", "select", APPROVE), Field("reason", "Reason", "textarea")),
        button="Decide",
    ),
    Action(
        "consent", "Record consent", "/cases/{case_id}/consent",
        ReturnCaseWorkflow.record_consent, checks.consent, s.ConsentIn, _model(d.RecordConsentInput),
        lambda st, actor, today, o: d.RecordConsentInput(
            actor=actor, declaration_signed_on=today, share_with_authorities=True,
            share_with_partner=True, witnessed_by="-"),
        fields=(
            Field("declaration_signed_on", "Declaration signed on", "date", default=_today),
            Field("share_with_authorities", "Consents to sharing data with the authorities",
                  "checkbox", required=False),
            Field("share_with_partner", "Consents to sharing data with the partner",
                  "checkbox", required=False),
            Field("witnessed_by", "Witnessed by"),
        ),
    ),
    Action(
        "vulnerability-step", "Record a vulnerability step", "/cases/{case_id}/vulnerability-steps",
        ReturnCaseWorkflow.record_vulnerability_step, checks.step, s.VulnerabilityStepIn,
        _model(d.RecordStepInput),
        lambda st, actor, today, o: d.RecordStepInput(
            actor=actor, member_id=o.fixed["member_id"], kind=StepKind(o.fixed["kind"]),
            completed_on=today, valid_until=today + FAR, escort_required=True),
        fields=(
            Field("member_id", "Member", "hidden"),
            Field("kind", "Step", "hidden"),
            Field("completed_on", "Completed on", "date", default=_today),
            Field("valid_until", "Certificate valid until", "date", required=False),
            Field("escort_required", "Escort required", "select", YES_NO, required=False),
            Field("notes", "Notes", "textarea", required=False),
        ),
        offers=_step_offers,
    ),
    Action(
        "documents-assessment", "Assess travel documents",
        "/cases/{case_id}/travel-documents/assessment",
        ReturnCaseWorkflow.assess_travel_documents, checks.assess, s.DocumentsAssessmentIn,
        _model(d.AssessDocumentsInput),
        lambda st, actor, today, o: d.AssessDocumentsInput(
            actor=actor, planned_departure=today + timedelta(days=1)),
        fields=(Field("planned_departure", "Planned departure", "date"),),
        button="Assess",
    ),
    Action(
        "embassy-answer", "Record the embassy's answer",
        "/cases/{case_id}/travel-documents/embassy-answer",
        ReturnCaseWorkflow.record_embassy_answer, checks.embassy_answer, s.EmbassyAnswerIn,
        _model(d.EmbassyAnswerInput),
        lambda st, actor, today, o: d.EmbassyAnswerInput(
            actor=actor, request_ref=o.fixed["request_ref"], issued=True, valid_until=today + FAR),
        fields=(
            Field("request_ref", "Request", "hidden"),
            Field("issued", "Document issued", "select", YES_NO),
            Field("valid_until", "Valid until", "date", required=False),
            Field("reason", "Refusal reason", "textarea", required=False),
        ),
        offers=_request_ref,
    ),
    Action(
        "documents-decision", "Decide on the travel document",
        "/cases/{case_id}/travel-documents/decision",
        ReturnCaseWorkflow.decide_travel_documents, checks.document_decision,
        s.DocumentDecisionIn, _model(d.DocumentDecisionInput),
        lambda st, actor, today, o: d.DocumentDecisionInput(
            actor=actor, choice=DocumentChoice.REQUEST_AGAIN, reason="-"),
        fields=(
            Field("choice", "Choice", "select", tuple((c.value, c.value.replace("_", " "))
                                                      for c in DocumentChoice)),
            Field("reason", "Reason", "textarea"),
        ),
        button="Decide",
    ),
    Action(
        "clearance", "Record a clearance", "/cases/{case_id}/clearance",
        ReturnCaseWorkflow.confirm_clearance, checks.clearance, s.ClearanceIn,
        _model(d.ConfirmClearanceInput),
        lambda st, actor, today, o: d.ConfirmClearanceInput(
            actor=actor, kind=ClearanceKind(o.fixed["kind"]), confirmed_on=today, reference="-"),
        fields=(
            Field("kind", "Clearance", "hidden"),
            Field("confirmed_on", "Confirmed on", "date", default=_today),
            Field("reference", "Reference"),
        ),
        offers=_clearance_offers,
    ),
    Action(
        "grant-proposal", "Propose the cash grant", "/cases/{case_id}/grant/proposal",
        ReturnCaseWorkflow.propose_grant, checks.propose_grant, None,
        _model(d.ProposeGrantInput),
        lambda st, actor, today, o: d.ProposeGrantInput(actor=actor),
        button="Propose",
    ),
    Action(
        "grant-decision", "Decide on the cash grant", "/cases/{case_id}/grant/decision",
        ReturnCaseWorkflow.decide_grant, checks.decide_grant, s.ApprovalIn,
        _model(d.GrantDecisionInput),
        lambda st, actor, today, o: d.GrantDecisionInput(actor=actor, approve=True, reason="-"),
        fields=(Field("approve", "Decision", "select", APPROVE), Field("reason", "Reason", "textarea")),
        button="Decide",
    ),
    Action(
        "booking", "Book travel", "/cases/{case_id}/bookings",
        ReturnCaseWorkflow.request_booking, checks.booking, s.BookingIn,
        _model(d.RequestBookingInput),
        lambda st, actor, today, o: d.RequestBookingInput(
            actor=actor, departure_date=today + timedelta(days=1), escort=True),
        fields=(
            Field("departure_date", "Departure date", "date"),
            Field("escort", "Escort", "checkbox", required=False),
            Field("transit_assistance", "Transit assistance", "checkbox", required=False),
        ),
        button="Book",
    ),
    Action(
        "departure", "Confirm departure", "/cases/{case_id}/departure",
        ReturnCaseWorkflow.confirm_departure, checks.departure, s.DepartureIn,
        _model(d.ConfirmDepartureInput),
        lambda st, actor, today, o: d.ConfirmDepartureInput(
            actor=actor, booking_ref=o.fixed["booking_ref"],
            departed_on=st.active_booking.departure_date if st.active_booking else today),
        fields=(
            Field("booking_ref", "Booking", "hidden"),
            Field("departed_on", "Departed on", "date",
                  default=lambda st, today: (
                      st.active_booking.departure_date if st.active_booking else today
                  ).isoformat()),
        ),
        offers=_booking_ref,
        button="Confirm departure",
        probe_day=_booking_day,
    ),
    Action(
        "no-show", "Decide after the no-show", "/cases/{case_id}/no-show/decision",
        ReturnCaseWorkflow.decide_no_show, checks.no_show, s.NoShowDecisionIn,
        _model(d.NoShowDecisionInput),
        lambda st, actor, today, o: d.NoShowDecisionInput(
            actor=actor, choice=NoShowChoice.SUSPEND, reason="-"),
        fields=(
            Field("choice", "Choice", "select", tuple((c.value, c.value) for c in NoShowChoice)),
            Field("reason", "Reason", "textarea"),
            Field("new_departure_date", "New departure date", "date", required=False),
        ),
        button="Decide",
    ),
    Action(
        "payment-retry", "Retry the grant payment", "/cases/{case_id}/grant/payment-retry",
        ReturnCaseWorkflow.retry_grant_payment, checks.retry_payment, None,
        _model(d.RetryPaymentInput),
        lambda st, actor, today, o: d.RetryPaymentInput(actor=actor),
        button="Retry payment",
    ),
    Action(
        "withdrawal", "Propose closing the case: withdrawn or absconded",
        "/cases/{case_id}/withdrawal",
        # A proposal a different supervisor decides on (four eyes on every closure).
        ReturnCaseWorkflow.propose_closure, aftercare_checks.propose_closure, s.WithdrawalIn,
        _model(d.ProposeClosureInput),
        lambda st, actor, today, o: d.ProposeClosureInput(
            actor=actor, reason=ClosureReason.WITHDRAWN, note="-"),
        fields=(
            Field("reason", "Reason", "select", (
                (ClosureReason.WITHDRAWN.value, "withdrawn"),
                (ClosureReason.ABSCONDED.value, "absconded"),
            )),
            Field("note", "Note", "textarea"),
        ),
        offers=lambda st: [Offer()] if st.stage in rules.BEFORE_DEPARTURE else [],
        button="Propose closure",
    ),
)

