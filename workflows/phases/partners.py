"""The reintegration partner chosen with the returnee before departure, and its answer."""

from __future__ import annotations

from models.schemas_partners import (
    ChoosePartnerIn,
    ChoosePartnerInput,
    PartnerAnswerIn,
    PartnerAnswerInput,
)
from workflows import partner_choice
from workflows.decision import Decision, Field, Form
from workflows.phases.common import STAFF, STAFF_OR_PARTNER

ACCEPT_DECLINE = (("true", "Accept the case"), ("false", "Decline the case"))

CHOOSE_PARTNER = Decision(
    update="choose_partner", path="/cases/{case_id}/partner", roles=STAFF,
    action="choose the reintegration partner", input=ChoosePartnerInput,
    check=partner_choice.check_choice, body=ChoosePartnerIn,
    doc=("Choose, with the returnee, the reintegration partner among the active partners "
         "serving the destination (GET /cases/{case_id}/partner-options); again after a "
         "partner declined or did not answer. The partner sees the case once the returnee "
         "consents to sharing data with it."),
    form=Form(
        "partner", "Choose the reintegration partner",
        lambda st, actor, today, o: ChoosePartnerInput(actor=actor, partner_id="--"),
        fields=(
            Field("partner_id", "Partner", "partner"),
            Field("region", "Region (where partners cover parts of the country)",
                  required=False),
        ),
        button="Choose partner",
    ),
)

ANSWER_PARTNER = Decision(
    update="answer_partner_proposal", path="/cases/{case_id}/partner/answer",
    roles=STAFF_OR_PARTNER, action="answer the partner proposal", input=PartnerAnswerInput,
    check=partner_choice.check_answer, body=PartnerAnswerIn,
    doc=("The chosen partner accepts the case, or declines it with a reason (the caseworker "
         "then chooses another partner)."),
    form=Form(
        "partner-answer", "Accept or decline the case",
        sample={"accept": True},
        fields=(
            Field("accept", "Answer", "select", ACCEPT_DECLINE),
            Field("reason", "Reason (required to decline)", "textarea", required=False),
        ),
        button="Send answer",
    ),
)

DECISIONS = (CHOOSE_PARTNER, ANSWER_PARTNER)
