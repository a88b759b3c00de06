"""Before travel: counselling and intake, eligibility (four eyes), informed consent,
vulnerability steps, travel documents and clearance by the authorities.

Module functions given the running case, called by ``ReturnCaseWorkflow``'s updates once
their validators (the declarations in ``workflows/phases``) have let the decision through.
"""

from __future__ import annotations

from temporalio import workflow

from activities.embassy import document_fee_key
from models import decisions as inputs
from models.enums import ClosureReason, DocumentChoice, DocumentStatus, Role, Stage, TimelineKind
from models.external import PRICE_CURRENCY_REFUSED, DocumentFeeInput
from models.payloads import CaseState, ClearanceConfirmation, Consent, Eligibility
from workflows import calls, effects, patches, rules
from workflows.run import CaseRun


def record_counselling(case: CaseRun, data: inputs.RecordCounsellingInput) -> CaseState:
    case.state.counselling_sessions.append(data.session)
    case.record(
        TimelineKind.NOTE,
        f"counselling session held on {data.session.held_on}",
        data.actor,
        language=data.session.language,
        interpreter=data.session.interpreter,
    )
    case.touch()
    return case.state


def complete_intake(case: CaseRun, data: inputs.CompleteIntakeInput) -> CaseState:
    case.decided(data.actor, "intake completed")
    case.change_stage(Stage.ELIGIBILITY)
    return case.state


def submit_eligibility(case: CaseRun, data: inputs.SubmitEligibilityInput) -> CaseState:
    case.state.eligibility = Eligibility(
        assessed_by=data.actor.id,
        eligible=data.eligible,
        notes=data.notes,
        assessed_at=workflow.now(),
    )
    verdict = "eligible" if data.eligible else "not eligible"
    case.decided(data.actor, f"eligibility assessed: {verdict}", data.notes)
    case.touch()
    return case.state


def decide_eligibility(case: CaseRun, data: inputs.EligibilityDecisionInput) -> CaseState:
    e = case.state.eligibility
    assert e is not None
    e.decided_by, e.approved, e.reason = data.actor.id, data.approve, data.reason
    verdict = "approved" if data.approve else "sent back"
    case.decided(data.actor, f"eligibility assessment {verdict}", data.reason)
    if not data.approve:
        case.touch()
    elif e.eligible:
        case.change_stage(Stage.CONSENT)
    else:
        case.close(ClosureReason.NOT_ELIGIBLE, data.reason)
    return case.state


def record_consent(case: CaseRun, data: inputs.RecordConsentInput) -> CaseState:
    case.state.consent = Consent(
        declaration_signed_on=data.declaration_signed_on,
        share_with_authorities=data.share_with_authorities,
        share_with_partner=data.share_with_partner,
        witnessed_by=data.witnessed_by,
        recorded_by=data.actor.id,
    )
    case.decided(
        data.actor,
        "informed consent recorded"
        + ("" if data.share_with_authorities else " (no sharing with the authorities)"),
    )
    has_steps = bool(case.state.steps)
    case.change_stage(Stage.VULNERABILITY if has_steps else Stage.TRAVEL_DOCUMENTS)
    return case.state


def record_vulnerability_step(case: CaseRun, data: inputs.RecordStepInput) -> CaseState:
    step = rules.find_step(case.state, data.member_id, data.kind)
    step.done, step.completed_on, step.completed_by = True, data.completed_on, data.actor.id
    step.valid_until, step.escort_required, step.notes = (
        data.valid_until,
        data.escort_required,
        data.notes,
    )
    case.decided(data.actor, f"{data.kind} done for {data.member_id}", data.notes)
    case.touch()
    return case.state


async def assess_travel_documents(case: CaseRun, data: inputs.AssessDocumentsInput) -> CaseState:
    case.decided(data.actor, f"travel documents assessed for departure on {data.planned_departure}")
    docs = case.state.documents
    docs.planned_departure = data.planned_departure
    docs.member_ids = rules.needs_documents(case.state.household, data.planned_departure)
    if not docs.member_ids:
        docs.status = DocumentStatus.NOT_NEEDED
        await effects.enter_clearance(case)
    else:
        if case.state.stage != Stage.TRAVEL_DOCUMENTS:
            case.change_stage(Stage.TRAVEL_DOCUMENTS)
        else:
            case.touch()  # as change_stage does: projected alongside the request
        await effects.request_document(case)
    return case.state


async def record_embassy_answer(case: CaseRun, data: inputs.EmbassyAnswerInput) -> CaseState:
    docs = case.state.documents
    answer = "issued" if data.issued else "refused"
    if data.fee and workflow.patched(patches.EMBASSY_FEE):
        # The fee first: a fee in the wrong currency refuses the answer and changes nothing.
        currency = (data.fee_currency or "").upper()
        assert docs.request_ref is not None
        await calls.or_refuse(calls.book_document_fee(DocumentFeeInput(
            case_id=case.state.case_id, key=document_fee_key(effects.request_key(case.state)),
            request_ref=docs.request_ref, fee=data.fee, currency=currency,
            persons=len(docs.member_ids),
        )), PRICE_CURRENCY_REFUSED)
        answer += f", fee {data.fee} {currency}"
    case.decided(data.actor, f"embassy answer recorded: {answer}", data.reason)
    if data.issued:
        docs.status, docs.valid_until = DocumentStatus.ISSUED, data.valid_until
        await effects.enter_clearance(case)
    else:
        docs.status, docs.refusal_reason = DocumentStatus.REFUSED, data.reason
        case.touch()
    return case.state


async def decide_travel_documents(case: CaseRun, data: inputs.DocumentDecisionInput) -> CaseState:
    case.decided(data.actor, f"travel document: {data.choice}", data.reason)
    docs = case.state.documents
    if data.choice == DocumentChoice.REQUEST_AGAIN:
        await effects.request_document(case)
    elif data.choice == DocumentChoice.ESCALATE:
        docs.escalations += 1
        await effects.notify(case, Role.SUPERVISOR, "travel document escalated", data.reason)
        effects.start_chasing(case)
        case.touch()
    else:
        await effects.close_with_compensation(case, ClosureReason.NO_TRAVEL_DOCUMENT, data.reason)
    return case.state


def confirm_clearance(case: CaseRun, data: inputs.ConfirmClearanceInput) -> CaseState:
    case.state.clearance.confirmations.append(
        ClearanceConfirmation(
            kind=data.kind,
            confirmed_on=data.confirmed_on,
            reference=data.reference,
            recorded_by=data.actor.id,
        )
    )
    case.decided(data.actor, f"clearance confirmed: {data.kind}", data.reference)
    if rules.clearance_done(case.state):
        case.change_stage(Stage.TRAVEL)
    else:
        case.touch()
    return case.state
