"""ReturnCaseWorkflow: one household's return, from first counselling to departure.

Caseworkers, supervisors and authorities drive it through updates whose validators refuse
decisions that make no sense (wrong stage, wrong role, same person twice; see checks.py).
Activities reach the external systems and timers in the run loop chase embassies and
detect no-shows (see case.py). After departure the run ends in stage DEPARTED; arrival,
reintegration and monitoring are a later issue and will continue from there.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    # Not "from workflows import calls, ...": the sandbox would load those modules afresh
    # for every workflow run (~25 ms each time) instead of passing them through.
    import workflows.calls as calls  # noqa: PLR0402
    import workflows.checks as checks  # noqa: PLR0402
    import workflows.patches as patches  # noqa: PLR0402
    import workflows.rules as rules  # noqa: PLR0402
    from models.decisions import (
        AssessDocumentsInput,
        AssignInput,
        CompleteIntakeInput,
        ConfirmClearanceInput,
        ConfirmDepartureInput,
        DocumentDecisionInput,
        EligibilityDecisionInput,
        EmbassyAnswerInput,
        GrantDecisionInput,
        NoShowDecisionInput,
        ProposeGrantInput,
        RecordConsentInput,
        RecordCounsellingInput,
        RecordStepInput,
        RemindAssigneeInput,
        RequestBookingInput,
        RetryPaymentInput,
        SubmitEligibilityInput,
        WithdrawInput,
    )
    from models.enums import (
        BookingStatus,
        CaseStatus,
        ClosureReason,
        CostCategory,
        DocumentChoice,
        DocumentStatus,
        GrantStatus,
        NoShowChoice,
        Role,
        Stage,
        TimelineKind,
    )
    from models.external import CancelBooking
    from models.payloads import (
        CaseState,
        CaseWorkflowInput,
        ClearanceConfirmation,
        Consent,
        Eligibility,
        Grant,
    )
    from models.policy import grant_lines
    from workflows.aftercare import AftercareUpdates
    from workflows.budget import require_budget
    from workflows.case import CaseRun


def workflow_id(case_id: str) -> str:
    return f"case-{case_id}"


@workflow.defn
class ReturnCaseWorkflow(AftercareUpdates):
    @workflow.init
    def __init__(self, data: CaseWorkflowInput) -> None:
        state = data.state or CaseState(
            case_id=data.case_id,
            reference=data.reference,
            country_of_origin=data.country_of_origin,
            legal_situation=data.legal_situation,
            location_type=data.location_type,
            household=data.household,
            return_decision_date=data.return_decision_date,
            voluntary_departure_deadline=data.voluntary_departure_deadline,
            preferred_language=data.preferred_language,
            destination_city=data.destination_city,
            policy=data.policy,
            assignee_id=data.assignee_id,
            project_id=data.project_id,
            steps=rules.steps_for(data.household),
        )
        # A run continued as new projects first if its predecessor had unprojected changes.
        self._case = CaseRun(state, new=data.state is None or state.unprojected)
        # Handlers that call activities run one at a time and re-check their rule inside.
        self._lock = asyncio.Lock()

    @workflow.run
    async def run(self, data: CaseWorkflowInput) -> CaseState:
        case = self._case
        if data.state is None:
            case.change_stage(case.state.stage)
        while True:
            due = case.next_due()
            if due is not None and due <= workflow.now():
                async with self._lock:
                    await case.fire_timers()
            else:
                timeout = None if due is None else due - workflow.now()
                try:
                    await workflow.wait_condition(lambda: case.dirty or case.done, timeout=timeout)
                except TimeoutError:
                    continue
            if case.dirty:
                case.dirty = False
                await case.project()
            if case.done:
                await workflow.wait_condition(workflow.all_handlers_finished)
                if not case.dirty:
                    return case.state
            elif self._history_is_long():
                # Decisions may keep arriving; the next run projects what they changed.
                await workflow.wait_condition(workflow.all_handlers_finished)
                state = case.state.model_copy(
                    update={"runs": case.state.runs + 1, "unprojected": case.dirty}
                )
                workflow.continue_as_new(data.model_copy(update={"state": state}))

    def _history_is_long(self) -> bool:
        info = workflow.info()
        limit = self._case.state.policy.aftercare.continue_as_new_after_events
        return info.is_continue_as_new_suggested() or info.get_current_history_length() > limit

    @workflow.query
    def state(self) -> CaseState:
        return self._case.state

    @workflow.signal
    def moved_to_project(self, project_id: str) -> None:
        """The case was moved to another project (recorded by the API): keep the CaseProject
        search attribute and the projection in step."""
        if self._case.state.project_id != project_id:
            self._case.state.project_id = project_id
            self._case.touch()

    # ---- 1. intake -------------------------------------------------------------------

    @workflow.update
    async def record_counselling(self, data: RecordCounsellingInput) -> CaseState:
        self._case.state.counselling_sessions.append(data.session)
        self._case.record(
            TimelineKind.NOTE,
            f"counselling session held on {data.session.held_on}",
            data.actor,
            language=data.session.language,
            interpreter=data.session.interpreter,
        )
        self._case.touch()
        return self._case.state

    @record_counselling.validator
    def _validate_counselling(self, data: RecordCounsellingInput) -> None:
        checks.counselling(self._case.state, data, self._case.today())

    @workflow.update
    async def complete_intake(self, data: CompleteIntakeInput) -> CaseState:
        self._case.decided(data.actor, "intake completed")
        self._case.change_stage(Stage.ELIGIBILITY)
        return self._case.state

    @complete_intake.validator
    def _validate_complete_intake(self, data: CompleteIntakeInput) -> None:
        checks.complete_intake(self._case.state, data, self._case.today())

    # ---- 2. eligibility (four eyes) ----------------------------------------------------

    @workflow.update
    async def submit_eligibility(self, data: SubmitEligibilityInput) -> CaseState:
        self._case.state.eligibility = Eligibility(
            assessed_by=data.actor.id,
            eligible=data.eligible,
            notes=data.notes,
            assessed_at=workflow.now(),
        )
        verdict = "eligible" if data.eligible else "not eligible"
        self._case.decided(data.actor, f"eligibility assessed: {verdict}", data.notes)
        self._case.state.awaiting = "supervisor approval of the eligibility assessment"
        self._case.touch()
        return self._case.state

    @submit_eligibility.validator
    def _validate_submit_eligibility(self, data: SubmitEligibilityInput) -> None:
        checks.submit_eligibility(self._case.state, data, self._case.today())

    @workflow.update
    async def decide_eligibility(self, data: EligibilityDecisionInput) -> CaseState:
        e = self._case.state.eligibility
        assert e is not None
        e.decided_by, e.approved, e.reason = data.actor.id, data.approve, data.reason
        verdict = "approved" if data.approve else "sent back"
        self._case.decided(data.actor, f"eligibility assessment {verdict}", data.reason)
        self._case.state.awaiting = None
        if not data.approve:
            self._case.state.awaiting = "a new eligibility assessment (the last one was sent back)"
            self._case.touch()
        elif e.eligible:
            self._case.change_stage(Stage.CONSENT)
        else:
            self._case.close(ClosureReason.NOT_ELIGIBLE, data.reason)
        return self._case.state

    @decide_eligibility.validator
    def _validate_decide_eligibility(self, data: EligibilityDecisionInput) -> None:
        checks.decide_eligibility(self._case.state, data, self._case.today())

    # ---- 3. informed consent -----------------------------------------------------------

    @workflow.update
    async def record_consent(self, data: RecordConsentInput) -> CaseState:
        self._case.state.consent = Consent(
            declaration_signed_on=data.declaration_signed_on,
            share_with_authorities=data.share_with_authorities,
            share_with_partner=data.share_with_partner,
            witnessed_by=data.witnessed_by,
            recorded_by=data.actor.id,
        )
        self._case.decided(
            data.actor,
            "informed consent recorded"
            + ("" if data.share_with_authorities else " (no sharing with the authorities)"),
        )
        has_steps = bool(self._case.state.steps)
        self._case.change_stage(Stage.VULNERABILITY if has_steps else Stage.TRAVEL_DOCUMENTS)
        return self._case.state

    @record_consent.validator
    def _validate_consent(self, data: RecordConsentInput) -> None:
        checks.consent(self._case.state, data, self._case.today())

    # ---- 4. vulnerability steps --------------------------------------------------------

    @workflow.update
    async def record_vulnerability_step(self, data: RecordStepInput) -> CaseState:
        step = rules.find_step(self._case.state, data.member_id, data.kind)
        step.done, step.completed_on, step.completed_by = True, data.completed_on, data.actor.id
        step.valid_until, step.escort_required, step.notes = (
            data.valid_until,
            data.escort_required,
            data.notes,
        )
        self._case.decided(data.actor, f"{data.kind} done for {data.member_id}", data.notes)
        self._case.touch()
        return self._case.state

    @record_vulnerability_step.validator
    def _validate_step(self, data: RecordStepInput) -> None:
        checks.step(self._case.state, data, self._case.today())

    # ---- 5. travel documents -----------------------------------------------------------

    @workflow.update
    async def assess_travel_documents(self, data: AssessDocumentsInput) -> CaseState:
        async with self._lock:
            self._validate_assess(data)
            self._case.decided(
                data.actor, f"travel documents assessed for departure on {data.planned_departure}"
            )
            docs = self._case.state.documents
            docs.planned_departure = data.planned_departure
            docs.member_ids = rules.needs_documents(
                self._case.state.household, data.planned_departure
            )
            if not docs.member_ids:
                docs.status = DocumentStatus.NOT_NEEDED
                await self._case.enter_clearance()
            else:
                if self._case.state.stage != Stage.TRAVEL_DOCUMENTS:
                    self._case.change_stage(Stage.TRAVEL_DOCUMENTS)
                else:
                    self._case.touch()  # as change_stage does: projected alongside the request
                await self._case.request_document()
        return self._case.state

    @assess_travel_documents.validator
    def _validate_assess(self, data: AssessDocumentsInput) -> None:
        checks.assess(self._case.state, data, self._case.today())

    @workflow.update
    async def record_embassy_answer(self, data: EmbassyAnswerInput) -> CaseState:
        async with self._lock:
            self._validate_embassy_answer(data)
            answer = "issued" if data.issued else "refused"
            self._case.decided(data.actor, f"embassy answer recorded: {answer}", data.reason)
            docs = self._case.state.documents
            self._case.state.awaiting = None
            if data.issued:
                docs.status, docs.valid_until = DocumentStatus.ISSUED, data.valid_until
                await self._case.enter_clearance()
            else:
                docs.status, docs.refusal_reason = DocumentStatus.REFUSED, data.reason
                self._case.state.awaiting = (
                    "decision on the embassy's refusal: request again, escalate or close"
                )
                self._case.touch()
        return self._case.state

    @record_embassy_answer.validator
    def _validate_embassy_answer(self, data: EmbassyAnswerInput) -> None:
        checks.embassy_answer(self._case.state, data, self._case.today())

    @workflow.update
    async def decide_travel_documents(self, data: DocumentDecisionInput) -> CaseState:
        async with self._lock:
            self._validate_document_decision(data)
            self._case.decided(data.actor, f"travel document: {data.choice}", data.reason)
            docs = self._case.state.documents
            self._case.state.awaiting = None
            if data.choice == DocumentChoice.REQUEST_AGAIN:
                await self._case.request_document()
            elif data.choice == DocumentChoice.ESCALATE:
                docs.escalations += 1
                await self._case.notify(Role.SUPERVISOR, "travel document escalated", data.reason)
                self._case.start_chasing()
                self._case.touch()
            else:
                await self._case.close_with_compensation(
                    ClosureReason.NO_TRAVEL_DOCUMENT, data.reason
                )
        return self._case.state

    @decide_travel_documents.validator
    def _validate_document_decision(self, data: DocumentDecisionInput) -> None:
        checks.document_decision(self._case.state, data, self._case.today())

    # ---- 6. clearance ------------------------------------------------------------------

    @workflow.update
    async def confirm_clearance(self, data: ConfirmClearanceInput) -> CaseState:
        self._case.state.clearance.confirmations.append(
            ClearanceConfirmation(
                kind=data.kind,
                confirmed_on=data.confirmed_on,
                reference=data.reference,
                recorded_by=data.actor.id,
            )
        )
        self._case.decided(data.actor, f"clearance confirmed: {data.kind}", data.reference)
        if rules.clearance_done(self._case.state):
            self._case.state.awaiting = None
            self._case.change_stage(Stage.TRAVEL)
        else:
            self._case.touch()
        return self._case.state

    @confirm_clearance.validator
    def _validate_clearance(self, data: ConfirmClearanceInput) -> None:
        checks.clearance(self._case.state, data, self._case.today())

    # ---- 7. travel ---------------------------------------------------------------------

    @workflow.update
    async def request_booking(self, data: RequestBookingInput) -> CaseState:
        async with self._lock:
            self._validate_booking(data)
            self._case.decided(data.actor, f"booking requested for {data.departure_date}")
            await self._case.book(data.departure_date, data.escort, data.transit_assistance)
            self._case.state.status = CaseStatus.ACTIVE
            self._case.touch()
        return self._case.state

    @request_booking.validator
    def _validate_booking(self, data: RequestBookingInput) -> None:
        checks.booking(self._case.state, data, self._case.today())

    @workflow.update
    async def confirm_departure(self, data: ConfirmDepartureInput) -> CaseState:
        async with self._lock:
            self._validate_departure(data)
            self._case.decided(data.actor, f"departure confirmed on {data.departed_on}")
            booking = self._case.state.active_booking
            assert booking is not None
            booking.status = BookingStatus.FLOWN
            self._case.state.departed_on = data.departed_on
            self._case.state.departure_confirmed_by = data.actor.id
            self._case.state.awaiting = None
            await self._case.pay_grant()
            self._case.change_stage(Stage.DEPARTED)
            if workflow.patched(patches.AFTERCARE):
                self._after_departure()
            else:
                self._case.done = not self._grant_declined()
        return self._case.state

    @confirm_departure.validator
    def _validate_departure(self, data: ConfirmDepartureInput) -> None:
        checks.departure(self._case.state, data, self._case.today())

    @workflow.update
    async def decide_no_show(self, data: NoShowDecisionInput) -> CaseState:
        async with self._lock:
            self._validate_no_show(data)
            self._case.decided(data.actor, f"no-show: {data.choice}")
            old = self._case.state.active_booking
            assert old is not None
            if data.choice == NoShowChoice.REBOOK:
                assert data.new_departure_date is not None
                await self._case.book(data.new_departure_date, old.escort, old.transit_assistance)
            else:
                self._case.state.status = CaseStatus.SUSPENDED
            # The new booking is made first, so a refused rebooking keeps the case as it was.
            await calls.cancel_booking(
                CancelBooking(case_id=self._case.state.case_id, booking_ref=old.booking_ref)
            )
            old.status = BookingStatus.CANCELLED
            self._case.call_outcome("booking cancelled", booking_ref=old.booking_ref)
            self._case.state.awaiting = None
            self._case.touch()
        return self._case.state

    @decide_no_show.validator
    def _validate_no_show(self, data: NoShowDecisionInput) -> None:
        checks.no_show(self._case.state, data, self._case.today())

    # ---- 8. cash grant (four eyes, paid once) ------------------------------------------

    @workflow.update
    async def propose_grant(self, data: ProposeGrantInput) -> CaseState:
        policy = self._case.state.policy.grant
        lines = grant_lines(
            policy,
            [(m.member_id, m.is_minor, m.vulnerabilities) for m in self._case.state.household],
        )
        self._case.state.grant = Grant(
            lines=lines,
            amount=sum((line.total for line in lines), Decimal(0)),
            currency=policy.currency,
            proposed_by=data.actor.id,
        )
        self._case.decided(
            data.actor, f"cash grant proposed: {self._case.state.grant.amount} {policy.currency}"
        )
        self._case.state.awaiting = "supervisor approval of the cash grant"
        self._case.touch()
        return self._case.state

    @propose_grant.validator
    def _validate_propose_grant(self, data: ProposeGrantInput) -> None:
        checks.propose_grant(self._case.state, data, self._case.today())

    @workflow.update
    async def decide_grant(self, data: GrantDecisionInput) -> CaseState:
        grant = self._case.state.grant
        assert grant is not None
        if data.approve and workflow.patched(patches.BUDGET_CHECK):
            async with self._lock:
                self._validate_decide_grant(data)  # again: another decision may have won
                grant = self._case.state.grant
                assert grant is not None
                # Refused with the project's figures when the grant would exceed its budget.
                await require_budget(
                    self._case.state.case_id, CostCategory.CASH_GRANT, grant.amount
                )
                self._approve_grant(data, grant)
            return self._case.state
        self._approve_grant(data, grant)
        return self._case.state

    def _approve_grant(self, data: GrantDecisionInput, grant: Grant) -> None:
        grant.decided_by, grant.reason = data.actor.id, data.reason
        verdict = "approved" if data.approve else "rejected"
        self._case.decided(data.actor, f"cash grant {verdict}", data.reason)
        if data.approve:
            grant.status = GrantStatus.APPROVED
            # The business half of the payment's idempotency key; stable across retries.
            grant.payment_id = str(workflow.uuid4())
        else:
            grant.status = GrantStatus.REJECTED
        self._case.state.awaiting = None
        self._case.touch()

    @decide_grant.validator
    def _validate_decide_grant(self, data: GrantDecisionInput) -> None:
        checks.decide_grant(self._case.state, data, self._case.today())

    @workflow.update
    async def retry_grant_payment(self, data: RetryPaymentInput) -> CaseState:
        async with self._lock:
            self._validate_retry_payment(data)
            self._case.decided(data.actor, "grant payment retried")
            grant = self._case.state.grant
            assert grant is not None
            # A new payment: a declined one may be cached under its key by the provider.
            grant.status, grant.payment_id = GrantStatus.APPROVED, str(workflow.uuid4())
            self._case.state.awaiting = None
            await self._case.pay_grant()
            self._case.touch()
            if not workflow.patched(patches.AFTERCARE):
                self._case.done = not self._grant_declined()
        return self._case.state

    @retry_grant_payment.validator
    def _validate_retry_payment(self, data: RetryPaymentInput) -> None:
        checks.retry_payment(self._case.state, data, self._case.today())

    def _after_departure(self) -> None:
        """With the partner consent the run loop hands the case over next; without it the
        case waits for a caseworker to propose its closure."""
        s = self._case.state
        if s.consent is not None and s.consent.share_with_partner:
            s.handover_due = True
        elif s.awaiting is None:
            s.awaiting = "a closure proposal: no consent to share data with a reintegration partner"

    def _grant_declined(self) -> bool:
        grant = self._case.state.grant
        return grant is not None and grant.status == GrantStatus.PAYMENT_FAILED

    # ---- 9. withdrawal / absconding ----------------------------------------------------

    @workflow.update
    async def withdraw(self, data: WithdrawInput) -> CaseState:
        """Superseded by propose_closure + decide_closure (four eyes on every closure); kept
        so that histories recorded before that change still replay. New calls are refused."""
        async with self._lock:
            checks.withdraw(self._case.state, data, self._case.today())
            self._case.decided(data.actor, f"case closed: {data.reason}", data.note)
            await self._case.close_with_compensation(data.reason, data.note)
        return self._case.state

    @withdraw.validator
    def _validate_withdraw(self, data: WithdrawInput) -> None:
        raise rules.refuse(
            "closing a case needs a supervisor's approval: propose the closure, "
            "then a supervisor decides on it"
        )

    # ---- assignment and supervision ----------------------------------------------------

    @workflow.update
    async def assign(self, data: AssignInput) -> CaseState:
        previous = self._case.state.assignee_id
        self._case.state.assignee_id = data.assignee_id
        self._case.decided(
            data.actor, f"case assigned to {data.assignee_id}"
            + (f" (was {previous})" if previous else ""), data.reason
        )
        self._case.touch()
        return self._case.state

    @assign.validator
    def _validate_assign(self, data: AssignInput) -> None:
        checks.assign(self._case.state, data, self._case.today())

    @workflow.update
    async def remind_assignee(self, data: RemindAssigneeInput) -> CaseState:
        async with self._lock:
            self._validate_remind(data)
            self._case.decided(data.actor, "assignee reminded by a supervisor", data.message)
            await self._case.notify(Role.CASEWORKER, "reminder from a supervisor", data.message)
            self._case.touch()
        return self._case.state

    @remind_assignee.validator
    def _validate_remind(self, data: RemindAssigneeInput) -> None:
        checks.remind_assignee(self._case.state, data, self._case.today())
