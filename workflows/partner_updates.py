"""The case workflow's updates for the partner chosen before departure: the choice and the
partner's answer (validators: their declarations in ``workflows/phases/partners.py``; bodies:
``partner_choice.py``). ``ReturnCaseWorkflow`` inherits them (see ``case_updates``)."""

from __future__ import annotations

from temporalio import workflow

import workflows.partner_choice as partner_choice  # noqa: PLR0402
import workflows.phases as phases  # noqa: PLR0402
from models.payloads import CaseState
from models.schemas_partners import ChoosePartnerInput, PartnerAnswerInput
from workflows.case_updates import CaseUpdates


class PartnerUpdates(CaseUpdates):
    @workflow.update
    async def choose_partner(self, data: ChoosePartnerInput) -> CaseState:
        async with self._lock:
            self._validate_choose_partner(data)
            return await partner_choice.choose(self._case, data)

    @choose_partner.validator
    def _validate_choose_partner(self, data: ChoosePartnerInput) -> None:
        phases.partners.CHOOSE_PARTNER.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def answer_partner_proposal(self, data: PartnerAnswerInput) -> CaseState:
        async with self._lock:
            self._validate_partner_answer(data)
            return await partner_choice.answer(self._case, data)

    @answer_partner_proposal.validator
    def _validate_partner_answer(self, data: PartnerAnswerInput) -> None:
        phases.partners.ANSWER_PARTNER.validate(self._case.state, data, self._case.today())
