"""Travel documents: the assessment, the embassy's answer, the decision on a refusal."""

from __future__ import annotations

from datetime import timedelta

from models import decisions as inputs
from models import schemas
from models.enums import DocumentChoice, Role, TaskKind
from models.payloads import CaseState
from workflows import checks
from workflows.decision import Decision, Field, Form, Offer
from workflows.phases.common import FAR, STAFF, YES_NO, choice_form


def _request_ref(state: CaseState) -> list[Offer]:
    ref = state.documents.request_ref
    return [Offer(fixed={"request_ref": ref}, suffix=ref)] if ref else []


ASSESS_DOCUMENTS = Decision(
    update="assess_travel_documents", path="/cases/{case_id}/travel-documents/assessment",
    roles=STAFF, action="assess travel documents", input=inputs.AssessDocumentsInput,
    check=checks.assess, body=schemas.DocumentsAssessmentIn,
    doc="Assess the household's travel documents; a missing one is requested from the embassy.",
    answers=(TaskKind.ASSESS_TRAVEL_DOCUMENTS,),
    form=Form(
        "documents-assessment", "Assess travel documents",
        lambda st, actor, today, o: inputs.AssessDocumentsInput(
            actor=actor, planned_departure=today + timedelta(days=1)),
        fields=(Field("planned_departure", "Planned departure", "date"),),
        button="Assess",
    ),
)

RECORD_EMBASSY_ANSWER = Decision(
    update="record_embassy_answer", path="/cases/{case_id}/travel-documents/embassy-answer",
    roles=STAFF | {Role.EMBASSY_LIAISON}, action="record the embassy's answer",
    input=inputs.EmbassyAnswerInput, check=checks.embassy_answer, body=schemas.EmbassyAnswerIn,
    doc="Record the embassy's answer to the open request: issued (with validity) or refused, "
        "with the fee it charged, booked once as the case's document fee in the project's "
        "currency.",
    answers=(TaskKind.EMBASSY_ANSWER,),
    form=Form(
        "embassy-answer", "Record the embassy's answer",
        lambda st, actor, today, o: inputs.EmbassyAnswerInput(
            actor=actor, request_ref=o.fixed["request_ref"], issued=True,
            valid_until=today + FAR),
        fields=(
            Field("request_ref", "Request", "hidden"),
            Field("issued", "Document issued", "select", YES_NO),
            Field("valid_until", "Valid until", "date", required=False),
            Field("reason", "Refusal reason", "textarea", required=False),
            Field("fee", "Fee charged (blank: none)", required=False),
            Field("fee_currency", "Fee currency", required=False,
                  default=lambda st, today: st.policy.grant.currency),
        ),
        offers=_request_ref,
    ),
)

DECIDE_DOCUMENTS = Decision(
    update="decide_travel_documents", path="/cases/{case_id}/travel-documents/decision",
    roles=STAFF, action="decide on the travel document", input=inputs.DocumentDecisionInput,
    check=checks.document_decision, body=schemas.DocumentDecisionIn,
    doc="After a refusal or a missed deadline: request again, escalate, or close the case.",
    answers=(TaskKind.DOCUMENT_DECISION,),
    form=choice_form("documents-decision", "Decide on the travel document", DocumentChoice,
                     DocumentChoice.REQUEST_AGAIN),
)

DECISIONS = (ASSESS_DOCUMENTS, RECORD_EMBASSY_ANSWER, DECIDE_DOCUMENTS)
