"""Intake, eligibility (four eyes) and informed consent."""

from __future__ import annotations

from models import decisions as inputs
from models import schemas
from models.enums import TaskKind
from models.payloads import CounsellingSession
from workflows import checks
from workflows.decision import Decision, Field, Form
from workflows.phases.common import STAFF, YES_NO, approval, today_text

RECORD_COUNSELLING = Decision(
    update="record_counselling", path="/cases/{case_id}/counselling-sessions", roles=STAFF,
    action="record a counselling session", input=inputs.RecordCounsellingInput,
    check=checks.counselling, body=schemas.CounsellingSessionIn,
    doc="Record a counselling session held with the household.",
    make_input=lambda actor, body: inputs.RecordCounsellingInput(
        session=CounsellingSession(**body), actor=actor),
    form=Form(
        "counselling", "Record a counselling session",
        lambda st, actor, today, o: inputs.RecordCounsellingInput(
            session=CounsellingSession(held_on=today, place="-", language="--"), actor=actor),
        fields=(
            Field("held_on", "Held on", "date", default=today_text),
            Field("place", "Place"),
            Field("language", "Language"),
            Field("interpreter", "Interpreter present", "checkbox", required=False),
            Field("notes", "Notes", "textarea", required=False),
        ),
    ),
)

COMPLETE_INTAKE = Decision(
    update="complete_intake", path="/cases/{case_id}/intake/complete", roles=STAFF,
    action="complete intake", input=inputs.CompleteIntakeInput, check=checks.complete_intake,
    doc="Close intake once counselling is recorded; the case moves on to eligibility.",
    answers=(TaskKind.COMPLETE_INTAKE,),
    form=Form("complete-intake", "Complete intake", button="Complete intake"),
)

SUBMIT_ELIGIBILITY = Decision(
    update="submit_eligibility", path="/cases/{case_id}/eligibility/assessment", roles=STAFF,
    action="submit an eligibility assessment", input=inputs.SubmitEligibilityInput,
    check=checks.submit_eligibility, body=schemas.EligibilityAssessmentIn,
    doc="Submit the eligibility assessment; a different supervisor must then decide on it.",
    answers=(TaskKind.ASSESS_ELIGIBILITY,),
    form=Form(
        "eligibility-assessment", "Submit the eligibility assessment",
        sample={"eligible": True, "notes": "-"},
        fields=(
            Field("eligible", "Eligible", "select", YES_NO),
            Field("notes", "Notes", "textarea"),
        ),
        button="Submit",
    ),
)

DECIDE_ELIGIBILITY = approval(
    "decide_eligibility", "/cases/{case_id}/eligibility/decision", "decide on eligibility",
    inputs.EligibilityDecisionInput, checks.decide_eligibility,
    "Approve or send back the eligibility assessment (supervisor, not the assessor).",
    ("eligibility-decision", "Decide on the eligibility assessment"),
    answers=(TaskKind.APPROVE_ELIGIBILITY,),
)

RECORD_CONSENT = Decision(
    update="record_consent", path="/cases/{case_id}/consent", roles=STAFF,
    action="record consent", input=inputs.RecordConsentInput, check=checks.consent,
    body=schemas.ConsentIn,
    doc="Record the signed declaration of voluntary return and the data-sharing consents.",
    answers=(TaskKind.RECORD_CONSENT,),
    form=Form(
        "consent", "Record consent",
        lambda st, actor, today, o: inputs.RecordConsentInput(
            actor=actor, declaration_signed_on=today, share_with_authorities=True,
            share_with_partner=True, witnessed_by="-"),
        fields=(
            Field("declaration_signed_on", "Declaration signed on", "date", default=today_text),
            Field("share_with_authorities", "Consents to sharing data with the authorities",
                  "checkbox", required=False),
            Field("share_with_partner", "Consents to sharing data with the partner",
                  "checkbox", required=False),
            Field("witnessed_by", "Witnessed by"),
        ),
    ),
)

DECISIONS = (
    RECORD_COUNSELLING, COMPLETE_INTAKE, SUBMIT_ELIGIBILITY, DECIDE_ELIGIBILITY, RECORD_CONSENT,
)
