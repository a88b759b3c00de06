"""ReturnCaseWorkflow: one household's return, from first counselling to closure.

Caseworkers, supervisors, authorities and partners drive it through updates whose
validators refuse decisions that make no sense (wrong stage, wrong role, same person twice):
each validator is its decision's declaration (``workflows/phases``: the declared roles, then
the check in ``checks.py`` or ``aftercare_checks.py``). Each update is a validator and a call to the
module holding its phase (``preparation``, ``travel``, ``supervision``; and, inherited from
the update groups of ``case_updates.CaseUpdates``, ``after_departure``, ``household`` and
the travel desk's ``desk``); the run loop (``loop``) fires the
timers and projects every change.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    # Not "from workflows import calls, ...": the sandbox would load those modules afresh
    # for every workflow run (~25 ms each time) instead of passing them through.
    import models.decisions as inputs
    import workflows.checks as checks  # noqa: PLR0402
    import workflows.grant_payment as grant_payment  # noqa: PLR0402
    import workflows.loop as loop  # noqa: PLR0402
    import workflows.patches as patches  # noqa: PLR0402
    import workflows.phases as phases  # noqa: PLR0402
    import workflows.preparation as preparation  # noqa: PLR0402
    import workflows.refusals as refusals  # noqa: PLR0402
    import workflows.supervision as supervision  # noqa: PLR0402
    import workflows.travel as travel  # noqa: PLR0402
    from models.payloads import CaseState, CaseWorkflowInput
    from workflows.after_departure_updates import AfterDepartureUpdates
    from workflows.desk_updates import DeskUpdates
    from workflows.household_updates import HouseholdUpdates
    from workflows.partner_updates import PartnerUpdates
    from workflows.projection import Projection
    from workflows.protection_updates import ProtectionUpdates
    from workflows.run import CaseRun
    from workflows.start import first_state


def workflow_id(case_id: str) -> str:
    return f"case-{case_id}"


@workflow.defn
class ReturnCaseWorkflow(
    HouseholdUpdates, DeskUpdates, AfterDepartureUpdates, ProtectionUpdates, PartnerUpdates
):
    @workflow.init
    def __init__(self, data: CaseWorkflowInput) -> None:
        state = data.state or first_state(data)
        # A run continued as new projects first if its predecessor had unprojected changes.
        super().__init__(CaseRun(state, new=data.state is None or state.unprojected))
        self._projection = Projection(self._case)

    @workflow.run
    async def run(self, data: CaseWorkflowInput) -> CaseState:
        if data.state is None:
            self._case.change_stage(self._case.state.stage)
        return await loop.run(self._case, self._projection, self._lock, data)

    @workflow.query
    def state(self) -> CaseState:
        return self._case.state

    @workflow.signal
    def moved_to_project(self, project_id: str) -> None:
        supervision.move_to_project(self._case, project_id)

    # ---- intake, eligibility (four eyes), consent, vulnerability steps -------------------

    @workflow.update
    async def record_counselling(self, data: inputs.RecordCounsellingInput) -> CaseState:
        return preparation.record_counselling(self._case, data)

    @record_counselling.validator
    def _validate_counselling(self, data: inputs.RecordCounsellingInput) -> None:
        phases.intake.RECORD_COUNSELLING.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def complete_intake(self, data: inputs.CompleteIntakeInput) -> CaseState:
        return preparation.complete_intake(self._case, data)

    @complete_intake.validator
    def _validate_complete_intake(self, data: inputs.CompleteIntakeInput) -> None:
        phases.intake.COMPLETE_INTAKE.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def submit_eligibility(self, data: inputs.SubmitEligibilityInput) -> CaseState:
        return preparation.submit_eligibility(self._case, data)

    @submit_eligibility.validator
    def _validate_submit_eligibility(self, data: inputs.SubmitEligibilityInput) -> None:
        phases.intake.SUBMIT_ELIGIBILITY.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def decide_eligibility(self, data: inputs.EligibilityDecisionInput) -> CaseState:
        return preparation.decide_eligibility(self._case, data)

    @decide_eligibility.validator
    def _validate_decide_eligibility(self, data: inputs.EligibilityDecisionInput) -> None:
        phases.intake.DECIDE_ELIGIBILITY.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def record_consent(self, data: inputs.RecordConsentInput) -> CaseState:
        return preparation.record_consent(self._case, data)

    @record_consent.validator
    def _validate_consent(self, data: inputs.RecordConsentInput) -> None:
        phases.intake.RECORD_CONSENT.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def record_vulnerability_step(self, data: inputs.RecordStepInput) -> CaseState:
        return preparation.record_vulnerability_step(self._case, data)

    @record_vulnerability_step.validator
    def _validate_step(self, data: inputs.RecordStepInput) -> None:
        phases.vulnerability.RECORD_STEP.validate(self._case.state, data, self._case.today())

    # ---- travel documents and clearance ------------------------------------------------

    @workflow.update
    async def assess_travel_documents(self, data: inputs.AssessDocumentsInput) -> CaseState:
        async with self._lock:
            self._validate_assess(data)
            return await preparation.assess_travel_documents(self._case, data)

    @assess_travel_documents.validator
    def _validate_assess(self, data: inputs.AssessDocumentsInput) -> None:
        phases.documents.ASSESS_DOCUMENTS.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def record_embassy_answer(self, data: inputs.EmbassyAnswerInput) -> CaseState:
        async with self._lock:
            self._validate_embassy_answer(data)
            return await preparation.record_embassy_answer(self._case, data)

    @record_embassy_answer.validator
    def _validate_embassy_answer(self, data: inputs.EmbassyAnswerInput) -> None:
        phases.documents.RECORD_EMBASSY_ANSWER.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def decide_travel_documents(self, data: inputs.DocumentDecisionInput) -> CaseState:
        async with self._lock:
            self._validate_document_decision(data)
            return await preparation.decide_travel_documents(self._case, data)

    @decide_travel_documents.validator
    def _validate_document_decision(self, data: inputs.DocumentDecisionInput) -> None:
        phases.documents.DECIDE_DOCUMENTS.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def confirm_clearance(self, data: inputs.ConfirmClearanceInput) -> CaseState:
        return preparation.confirm_clearance(self._case, data)

    @confirm_clearance.validator
    def _validate_clearance(self, data: inputs.ConfirmClearanceInput) -> None:
        phases.travel.CONFIRM_CLEARANCE.validate(self._case.state, data, self._case.today())

    # ---- travel and the cash grant (four eyes, paid once) ------------------------------

    @workflow.update
    async def request_booking(self, data: inputs.RequestBookingInput) -> CaseState:
        async with self._lock:
            self._validate_booking(data)
            return await travel.request_booking(self._case, data)

    @request_booking.validator
    def _validate_booking(self, data: inputs.RequestBookingInput) -> None:
        phases.travel.REQUEST_BOOKING.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def confirm_departure(self, data: inputs.ConfirmDepartureInput) -> CaseState:
        async with self._lock:
            self._validate_departure(data)
            return await travel.confirm_departure(self._case, data)

    @confirm_departure.validator
    def _validate_departure(self, data: inputs.ConfirmDepartureInput) -> None:
        phases.travel.CONFIRM_DEPARTURE.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def decide_no_show(self, data: inputs.NoShowDecisionInput) -> CaseState:
        async with self._lock:
            self._validate_no_show(data)
            return await travel.decide_no_show(self._case, data)

    @decide_no_show.validator
    def _validate_no_show(self, data: inputs.NoShowDecisionInput) -> None:
        phases.travel.DECIDE_NO_SHOW.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def propose_grant(self, data: inputs.ProposeGrantInput) -> CaseState:
        return travel.propose_grant(self._case, data)

    @propose_grant.validator
    def _validate_propose_grant(self, data: inputs.ProposeGrantInput) -> None:
        phases.grant.PROPOSE_GRANT.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def decide_grant(self, data: inputs.GrantDecisionInput) -> CaseState:
        if data.approve and workflow.patched(patches.BUDGET_CHECK):
            async with self._lock:
                self._validate_decide_grant(data)  # again: another decision may have won
                return await travel.approve_grant_within_budget(self._case, data)
        return travel.decide_grant(self._case, data)

    @decide_grant.validator
    def _validate_decide_grant(self, data: inputs.GrantDecisionInput) -> None:
        phases.grant.DECIDE_GRANT.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def retry_grant_payment(self, data: inputs.RetryPaymentInput) -> CaseState:
        async with self._lock:
            self._validate_retry_payment(data)
            return await travel.retry_grant_payment(self._case, data)

    @retry_grant_payment.validator
    def _validate_retry_payment(self, data: inputs.RetryPaymentInput) -> None:
        phases.grant.RETRY_PAYMENT.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def record_cash_handover(self, data: phases.grant.RecordCashHandoverInput) -> CaseState:
        async with self._lock:
            self._validate_cash_handover(data)
            return await grant_payment.record_cash_handover(self._case, data)

    @record_cash_handover.validator
    def _validate_cash_handover(self, data: phases.grant.RecordCashHandoverInput) -> None:
        phases.grant.RECORD_CASH_HANDOVER.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def record_transfer_outcome(self, data: phases.grant.TransferOutcomeInput) -> CaseState:
        async with self._lock:
            self._validate_transfer_outcome(data)
            return await grant_payment.record_transfer_outcome(self._case, data)

    @record_transfer_outcome.validator
    def _validate_transfer_outcome(self, data: phases.grant.TransferOutcomeInput) -> None:
        phases.grant.RECORD_TRANSFER_OUTCOME.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def withdraw(self, data: inputs.WithdrawInput) -> CaseState:
        """Superseded by propose_closure + decide_closure (four eyes on every closure); kept
        so that histories recorded before that change still replay. New calls are refused."""
        async with self._lock:
            checks.withdraw(self._case.state, data, self._case.today())
            return await travel.withdraw(self._case, data)

    @withdraw.validator
    def _validate_withdraw(self, data: inputs.WithdrawInput) -> None:
        raise refusals.refusal("closure_needs_supervisor")

    # ---- assignment and supervision ----------------------------------------------------

    @workflow.update
    async def assign(self, data: inputs.AssignInput) -> CaseState:
        return supervision.assign(self._case, data)

    @assign.validator
    def _validate_assign(self, data: inputs.AssignInput) -> None:
        phases.supervision.ASSIGN.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def remind_assignee(self, data: inputs.RemindAssigneeInput) -> CaseState:
        async with self._lock:
            self._validate_remind(data)
            return await supervision.remind_assignee(self._case, data)

    @remind_assignee.validator
    def _validate_remind(self, data: inputs.RemindAssigneeInput) -> None:
        phases.supervision.REMIND_ASSIGNEE.validate(self._case.state, data, self._case.today())
