"""ReturnCaseWorkflow: one household's return, from first counselling to departure.

Caseworkers, supervisors and authorities drive it through updates whose validators refuse
decisions that make no sense (wrong stage, wrong role, same person twice). Activities reach
the external systems; timers in the run loop chase embassies and detect no-shows.
After departure the run ends in stage DEPARTED; arrival, reintegration and monitoring are a
later issue and will continue from there.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.projection import ProjectionActivities
    from models.decisions import (
        AssessDocumentsInput,
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
        RequestBookingInput,
        SubmitEligibilityInput,
        WithdrawInput,
    )
    from models.enums import (
        BookingStatus,
        CaseStatus,
        ClosureReason,
        DocumentChoice,
        DocumentStatus,
        GrantStatus,
        NoShowChoice,
        Role,
        Stage,
        StepKind,
    )
    from models.external import (
        BOOKING_REFUSED,
        EMBASSY_REFUSED,
        PAYMENT_DECLINED,
        Authority,
        AuthorityNotice,
        BookingRequest,
        CancelBooking,
        DocumentRequest,
        PaymentRequest,
        Reminder,
        WithdrawDocumentRequest,
    )
    from models.payloads import (
        Booking,
        CaseState,
        CaseWorkflowInput,
        ClearanceConfirmation,
        Consent,
        Eligibility,
        Grant,
        ProjectCaseInput,
        StageChange,
    )
    from models.policy import grant_lines
    from workflows import calls, rules

PROJECTION_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=[],
)


def workflow_id(case_id: str) -> str:
    return f"case-{case_id}"


@workflow.defn
class ReturnCaseWorkflow:
    @workflow.init
    def __init__(self, data: CaseWorkflowInput) -> None:
        self._state = data.state or CaseState(
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
            steps=rules.steps_for(data.household),
        )
        self._dirty = data.state is None
        self._done = False
        # Handlers that call activities run one at a time and re-check their rule inside.
        self._lock = asyncio.Lock()

    @workflow.run
    async def run(self, data: CaseWorkflowInput) -> CaseState:
        if self._dirty:
            self._change_stage(self._state.stage)
        while True:
            due = self._next_due()
            if due is not None and due <= workflow.now():
                async with self._lock:
                    await self._fire_timers()
            else:
                timeout = None if due is None else due - workflow.now()
                try:
                    await workflow.wait_condition(lambda: self._dirty or self._done, timeout=timeout)
                except asyncio.TimeoutError:
                    continue
            if self._dirty:
                self._dirty = False
                await self._project()
            if self._done:
                await workflow.wait_condition(workflow.all_handlers_finished)
                if not self._dirty:
                    return self._state

    @workflow.query
    def state(self) -> CaseState:
        return self._state

    # ---- 1. intake -------------------------------------------------------------------

    @workflow.update
    async def record_counselling(self, data: RecordCounsellingInput) -> CaseState:
        self._state.counselling_sessions.append(data.session)
        self._touch()
        return self._state

    @record_counselling.validator
    def _validate_counselling(self, data: RecordCounsellingInput) -> None:
        self._require_stage(Stage.INTAKE, "record a counselling session")
        if data.session.held_on > self._today():
            raise rules.refuse("a counselling session cannot be in the future")

    @workflow.update
    async def complete_intake(self, data: CompleteIntakeInput) -> CaseState:
        self._change_stage(Stage.ELIGIBILITY)
        return self._state

    @complete_intake.validator
    def _validate_complete_intake(self, data: CompleteIntakeInput) -> None:
        self._require_stage(Stage.INTAKE, "complete intake")
        if not self._state.counselling_sessions:
            raise rules.refuse(
                "intake cannot be completed before at least one counselling session is recorded"
            )

    # ---- 2. eligibility (four eyes) ----------------------------------------------------

    @workflow.update
    async def submit_eligibility(self, data: SubmitEligibilityInput) -> CaseState:
        self._state.eligibility = Eligibility(
            assessed_by=data.actor.id, eligible=data.eligible, notes=data.notes,
            assessed_at=workflow.now(),
        )
        self._state.awaiting = "supervisor approval of the eligibility assessment"
        self._touch()
        return self._state

    @submit_eligibility.validator
    def _validate_submit_eligibility(self, data: SubmitEligibilityInput) -> None:
        self._require_stage(Stage.ELIGIBILITY, "submit an eligibility assessment")
        rules.require_role(data.actor, rules.STAFF, "submit an eligibility assessment")
        e = self._state.eligibility
        if e is not None and e.approved is None:
            raise rules.refuse("an eligibility assessment is already waiting for approval")

    @workflow.update
    async def decide_eligibility(self, data: EligibilityDecisionInput) -> CaseState:
        e = self._state.eligibility
        assert e is not None
        e.decided_by, e.approved, e.reason = data.actor.id, data.approve, data.reason
        self._state.awaiting = None
        if not data.approve:
            self._state.awaiting = "a new eligibility assessment (the last one was sent back)"
            self._touch()
        elif e.eligible:
            self._change_stage(Stage.CONSENT)
        else:
            self._close(ClosureReason.NOT_ELIGIBLE, data.reason)
        return self._state

    @decide_eligibility.validator
    def _validate_decide_eligibility(self, data: EligibilityDecisionInput) -> None:
        self._require_stage(Stage.ELIGIBILITY, "decide on eligibility")
        e = self._state.eligibility
        if e is None or e.approved is not None:
            raise rules.refuse("cannot decide on eligibility: no assessment is waiting for approval")
        rules.require_four_eyes(data.actor, e.assessed_by, "approve or reject the eligibility assessment")

    # ---- 3. informed consent -----------------------------------------------------------

    @workflow.update
    async def record_consent(self, data: RecordConsentInput) -> CaseState:
        self._state.consent = Consent(
            declaration_signed_on=data.declaration_signed_on,
            share_with_authorities=data.share_with_authorities,
            share_with_partner=data.share_with_partner,
            witnessed_by=data.witnessed_by,
            recorded_by=data.actor.id,
        )
        has_steps = bool(self._state.steps)
        self._change_stage(Stage.VULNERABILITY if has_steps else Stage.TRAVEL_DOCUMENTS)
        return self._state

    @record_consent.validator
    def _validate_consent(self, data: RecordConsentInput) -> None:
        self._require_stage(Stage.CONSENT, "record consent")
        rules.require_role(data.actor, rules.STAFF, "record consent")
        rules.require_not_future(data.declaration_signed_on, self._today(), "declaration_signed_on")
        if not data.share_with_authorities:
            raise rules.refuse(
                "the return cannot be organised without consent to share data with the authorities"
            )

    # ---- 4. vulnerability steps --------------------------------------------------------

    @workflow.update
    async def record_vulnerability_step(self, data: RecordStepInput) -> CaseState:
        step = rules.find_step(self._state, data.member_id, data.kind)
        step.done, step.completed_on, step.completed_by = True, data.completed_on, data.actor.id
        step.valid_until, step.escort_required, step.notes = (
            data.valid_until, data.escort_required, data.notes,
        )
        self._touch()
        return self._state

    @record_vulnerability_step.validator
    def _validate_step(self, data: RecordStepInput) -> None:
        self._require_stage(rules.AFTER_CONSENT, "record a vulnerability step")
        rules.require_role(data.actor, rules.STAFF, "record a vulnerability step")
        rules.find_step(self._state, data.member_id, data.kind)
        rules.require_not_future(data.completed_on, self._today(), "completed_on")
        if data.kind == StepKind.FIT_TO_TRAVEL:
            if data.valid_until is None:
                raise rules.refuse("a fit-to-travel certificate needs its expiry date (valid_until)")
            if data.valid_until <= self._today():
                raise rules.refuse(f"the fit-to-travel certificate expired on {data.valid_until}")
        if data.kind == StepKind.ESCORT_DECISION and data.escort_required is None:
            raise rules.refuse("an escort decision must say whether an escort is required")

    # ---- 5. travel documents -----------------------------------------------------------

    @workflow.update
    async def assess_travel_documents(self, data: AssessDocumentsInput) -> CaseState:
        async with self._lock:
            self._validate_assess(data)
            docs = self._state.documents
            docs.planned_departure = data.planned_departure
            docs.member_ids = rules.needs_documents(self._state.household, data.planned_departure)
            if not docs.member_ids:
                docs.status = DocumentStatus.NOT_NEEDED
                await self._enter_clearance()
            else:
                self._change_stage(Stage.TRAVEL_DOCUMENTS)
                await self._request_document()
        return self._state

    @assess_travel_documents.validator
    def _validate_assess(self, data: AssessDocumentsInput) -> None:
        self._require_stage(
            (Stage.VULNERABILITY, Stage.TRAVEL_DOCUMENTS), "assess travel documents"
        )
        rules.require_role(data.actor, rules.STAFF, "assess travel documents")
        if self._state.documents.status != DocumentStatus.NOT_ASSESSED:
            raise rules.refuse("travel documents were already assessed")
        if data.planned_departure <= self._today():
            raise rules.refuse("the planned departure must be in the future")
        if not self._state.household:
            raise rules.refuse("the case has no household members to travel")

    @workflow.update
    async def record_embassy_answer(self, data: EmbassyAnswerInput) -> CaseState:
        async with self._lock:
            self._validate_embassy_answer(data)
            docs = self._state.documents
            self._state.awaiting = None
            if data.issued:
                docs.status, docs.valid_until = DocumentStatus.ISSUED, data.valid_until
                await self._enter_clearance()
            else:
                docs.status, docs.refusal_reason = DocumentStatus.REFUSED, data.reason
                self._state.awaiting = "decision on the embassy's refusal: request again, escalate or close"
                self._touch()
        return self._state

    @record_embassy_answer.validator
    def _validate_embassy_answer(self, data: EmbassyAnswerInput) -> None:
        self._require_stage(Stage.TRAVEL_DOCUMENTS, "record the embassy's answer")
        rules.require_role(data.actor, (*rules.STAFF, Role.EMBASSY_LIAISON), "record the embassy's answer")
        docs = self._state.documents
        if docs.status not in (DocumentStatus.REQUESTED, DocumentStatus.DEADLINE_REACHED):
            raise rules.refuse(f"no embassy answer is expected: the request is '{docs.status}'")
        if data.request_ref != docs.request_ref:
            raise rules.refuse(f"unknown request {data.request_ref}; the open one is {docs.request_ref}")
        if data.issued and (data.valid_until is None or data.valid_until <= self._today()):
            raise rules.refuse("an issued travel document needs a validity date in the future")
        if not data.issued and not data.reason:
            raise rules.refuse("a refusal needs the embassy's reason")

    @workflow.update
    async def decide_travel_documents(self, data: DocumentDecisionInput) -> CaseState:
        async with self._lock:
            self._validate_document_decision(data)
            docs = self._state.documents
            self._state.awaiting = None
            if data.choice == DocumentChoice.REQUEST_AGAIN:
                await self._request_document()
            elif data.choice == DocumentChoice.ESCALATE:
                docs.escalations += 1
                await self._notify(Role.SUPERVISOR, "travel document escalated", data.reason)
                self._start_chasing()
                self._touch()
            else:
                await self._close_with_compensation(ClosureReason.NO_TRAVEL_DOCUMENT, data.reason)
        return self._state

    @decide_travel_documents.validator
    def _validate_document_decision(self, data: DocumentDecisionInput) -> None:
        self._require_stage(Stage.TRAVEL_DOCUMENTS, "decide on the travel document")
        rules.require_role(data.actor, rules.STAFF, "decide on the travel document")
        status = self._state.documents.status
        if status not in (DocumentStatus.REFUSED, DocumentStatus.DEADLINE_REACHED):
            raise rules.refuse(
                f"no decision is needed: the travel document request is '{status}', "
                "not refused or past its deadline"
            )
        if data.choice == DocumentChoice.ESCALATE and self._state.documents.request_ref is None:
            raise rules.refuse("nothing to escalate: the embassy refused before filing a request")

    # ---- 6. clearance ------------------------------------------------------------------

    @workflow.update
    async def confirm_clearance(self, data: ConfirmClearanceInput) -> CaseState:
        self._state.clearance.confirmations.append(
            ClearanceConfirmation(
                kind=data.kind, confirmed_on=data.confirmed_on, reference=data.reference,
                recorded_by=data.actor.id,
            )
        )
        if rules.clearance_done(self._state):
            self._state.awaiting = None
            self._change_stage(Stage.TRAVEL)
        else:
            self._touch()
        return self._state

    @confirm_clearance.validator
    def _validate_clearance(self, data: ConfirmClearanceInput) -> None:
        self._require_stage(Stage.CLEARANCE, "record a clearance")
        rules.require_role(
            data.actor, (Role.CASEWORKER, Role.BORDER_GUARD, Role.MIGRATION_OFFICE),
            "record a clearance",
        )
        rules.require_not_future(data.confirmed_on, self._today(), "confirmed_on")
        if data.kind not in rules.clearance_required(self._state):
            raise rules.refuse(f"'{data.kind}' is not required for this case")
        if any(c.kind == data.kind for c in self._state.clearance.confirmations):
            raise rules.refuse(f"'{data.kind}' is already recorded")

    # ---- 7. travel ---------------------------------------------------------------------

    @workflow.update
    async def request_booking(self, data: RequestBookingInput) -> CaseState:
        async with self._lock:
            self._validate_booking(data)
            await self._book(data.departure_date, data.escort, data.transit_assistance)
            self._state.status = CaseStatus.ACTIVE
            self._touch()
        return self._state

    @request_booking.validator
    def _validate_booking(self, data: RequestBookingInput) -> None:
        self._require_stage(Stage.TRAVEL, "request a booking")
        rules.require_role(data.actor, rules.STAFF, "request a booking")
        if self._state.active_booking is not None:
            raise rules.refuse(
                f"booking {self._state.active_booking.booking_ref} is still active"
            )
        self._check_departure_date(data.departure_date)
        if rules.escort_required(self._state) and not data.escort:
            raise rules.refuse("an escort is required for this household (escort decision)")

    @workflow.update
    async def confirm_departure(self, data: ConfirmDepartureInput) -> CaseState:
        async with self._lock:
            self._validate_departure(data)
            booking = self._state.active_booking
            assert booking is not None
            booking.status = BookingStatus.FLOWN
            self._state.departed_on = data.departed_on
            self._state.departure_confirmed_by = data.actor.id
            self._state.awaiting = None
            await self._pay_grant()
            self._change_stage(Stage.DEPARTED)
            # The run ends here for now; arrival and reintegration continue in a later issue.
            self._done = True
        return self._state

    @confirm_departure.validator
    def _validate_departure(self, data: ConfirmDepartureInput) -> None:
        self._require_stage(Stage.TRAVEL, "confirm departure")
        rules.require_role(data.actor, (Role.BORDER_GUARD, Role.ESCORT), "confirm departure")
        booking = self._state.active_booking
        if booking is None or booking.booking_ref != data.booking_ref:
            raise rules.refuse(f"booking {data.booking_ref} is not the case's active booking")
        if booking.status != BookingStatus.BOOKED:
            raise rules.refuse(f"booking {data.booking_ref} is a no-show awaiting a decision")
        if data.departed_on != booking.departure_date:
            raise rules.refuse(
                f"booking {data.booking_ref} departs on {booking.departure_date}, not {data.departed_on}"
            )
        rules.require_not_future(data.departed_on, self._today(), "departed_on")
        blockers = rules.departure_blockers(self._state, data.departed_on)
        if blockers:
            raise rules.refuse("departure is blocked: " + "; ".join(blockers))

    @workflow.update
    async def decide_no_show(self, data: NoShowDecisionInput) -> CaseState:
        async with self._lock:
            self._validate_no_show(data)
            old = self._state.active_booking
            assert old is not None
            if data.choice == NoShowChoice.REBOOK:
                assert data.new_departure_date is not None
                await self._book(data.new_departure_date, old.escort, old.transit_assistance)
            else:
                self._state.status = CaseStatus.SUSPENDED
            # The new booking is made first, so a refused rebooking keeps the case as it was.
            await calls.cancel_booking(CancelBooking(case_id=self._state.case_id, booking_ref=old.booking_ref))
            old.status = BookingStatus.CANCELLED
            self._state.awaiting = None
            self._touch()
        return self._state

    @decide_no_show.validator
    def _validate_no_show(self, data: NoShowDecisionInput) -> None:
        self._require_stage(Stage.TRAVEL, "decide on a no-show")
        rules.require_role(data.actor, rules.STAFF, "decide on a no-show")
        booking = self._state.active_booking
        if booking is None or booking.status != BookingStatus.NO_SHOW:
            raise rules.refuse("no no-show is waiting for a decision")
        if data.choice == NoShowChoice.REBOOK:
            if data.new_departure_date is None:
                raise rules.refuse("rebooking needs new_departure_date")
            self._check_departure_date(data.new_departure_date)

    # ---- 8. cash grant (four eyes, paid once) ------------------------------------------

    @workflow.update
    async def propose_grant(self, data: ProposeGrantInput) -> CaseState:
        policy = self._state.policy.grant
        lines = grant_lines(
            policy,
            [(m.member_id, m.is_minor, m.vulnerabilities) for m in self._state.household],
        )
        self._state.grant = Grant(
            lines=lines, amount=sum((line.total for line in lines), Decimal("0")),
            currency=policy.currency, proposed_by=data.actor.id,
        )
        self._state.awaiting = "supervisor approval of the cash grant"
        self._touch()
        return self._state

    @propose_grant.validator
    def _validate_propose_grant(self, data: ProposeGrantInput) -> None:
        self._require_stage(rules.AFTER_CONSENT, "propose a cash grant")
        rules.require_role(data.actor, rules.STAFF, "propose a cash grant")
        if not self._state.household:
            raise rules.refuse("the case has no household members to compute a grant for")
        grant = self._state.grant
        if grant is not None and grant.status != GrantStatus.REJECTED:
            raise rules.refuse(f"a cash grant is already {grant.status}")

    @workflow.update
    async def decide_grant(self, data: GrantDecisionInput) -> CaseState:
        grant = self._state.grant
        assert grant is not None
        grant.decided_by, grant.reason = data.actor.id, data.reason
        if data.approve:
            grant.status = GrantStatus.APPROVED
            # The business half of the payment's idempotency key; stable across retries.
            grant.payment_id = str(workflow.uuid4())
        else:
            grant.status = GrantStatus.REJECTED
        self._state.awaiting = None
        self._touch()
        return self._state

    @decide_grant.validator
    def _validate_decide_grant(self, data: GrantDecisionInput) -> None:
        self._require_stage(rules.AFTER_CONSENT, "decide on the cash grant")
        grant = self._state.grant
        if grant is None or grant.status != GrantStatus.PROPOSED:
            raise rules.refuse("no cash grant is waiting for approval")
        rules.require_four_eyes(data.actor, grant.proposed_by, "approve or reject the cash grant")

    # ---- 9. withdrawal / absconding ----------------------------------------------------

    @workflow.update
    async def withdraw(self, data: WithdrawInput) -> CaseState:
        async with self._lock:
            self._validate_withdraw(data)
            await self._close_with_compensation(data.reason, data.note)
        return self._state

    @withdraw.validator
    def _validate_withdraw(self, data: WithdrawInput) -> None:
        self._require_stage(rules.BEFORE_DEPARTURE, "withdraw or record absconding")
        rules.require_role(data.actor, rules.STAFF, "withdraw or record absconding")
        if data.reason not in (ClosureReason.WITHDRAWN, ClosureReason.ABSCONDED):
            raise rules.refuse("the reason must be 'withdrawn' or 'absconded'")

    # ---- external calls and compensation -----------------------------------------------

    async def _request_document(self) -> None:
        """File (or re-file) the emergency travel document request and start chasing it."""
        s, docs = self._state, self._state.documents
        self._require_consent()
        docs.attempts += 1
        request = DocumentRequest(
            case_id=s.case_id, request_key=f"{s.case_id}:etd:{docs.attempts}",
            country_of_origin=s.country_of_origin, member_ids=docs.member_ids,
        )
        try:
            result = await calls.request_document(request)
        except ActivityError as err:
            reason = calls.refusal_of(err, EMBASSY_REFUSED)
            if reason is None:
                raise
            docs.status, docs.refusal_reason, docs.request_ref = DocumentStatus.REFUSED, reason, None
            s.awaiting = "decision on the embassy's refusal: request again, escalate or close"
            self._touch()
            return
        docs.status, docs.request_ref, docs.refusal_reason = DocumentStatus.REQUESTED, result.request_ref, None
        docs.requested_at = workflow.now()
        self._start_chasing()
        s.awaiting = f"the embassy's answer to request {result.request_ref}"
        self._touch()

    def _start_chasing(self) -> None:
        docs, chasing = self._state.documents, self._state.policy.chasing
        docs.status = DocumentStatus.REQUESTED
        docs.last_chased_at = workflow.now()
        docs.deadline_at = workflow.now() + timedelta(days=chasing.deadline_days)

    async def _enter_clearance(self) -> None:
        """Notify both authorities of the planned departure, then wait for their clearance."""
        s = self._state
        self._require_consent()
        assert s.documents.planned_departure is not None
        notices = [
            AuthorityNotice(
                case_id=s.case_id, authority=authority, travellers=len(s.household),
                planned_departure=s.documents.planned_departure, location_type=s.location_type,
            )
            for authority in (Authority.BORDER_GUARD, Authority.MIGRATION_OFFICE)
        ]
        border_guard, migration_office = await asyncio.gather(
            *(calls.notify_authority(n) for n in notices)
        )
        s.clearance.border_guard_ref = border_guard.reference
        s.clearance.migration_office_ref = migration_office.reference
        s.awaiting = "clearance by the authorities"
        self._change_stage(Stage.CLEARANCE)

    async def _book(self, departure: date, escort: bool, transit: bool) -> None:
        s = self._state
        self._require_consent()
        request = BookingRequest(
            case_id=s.case_id, booking_key=f"{s.case_id}:booking:{len(s.bookings) + 1}",
            country_of_origin=s.country_of_origin, destination_city=s.destination_city,
            departure_date=departure, travellers=len(s.household), escort=escort,
            transit_assistance=transit,
        )
        try:
            result = await calls.book(request)
        except ActivityError as err:
            reason = calls.refusal_of(err, BOOKING_REFUSED)
            if reason is None:
                raise
            raise rules.refuse(f"the booking system refused: {reason}") from err
        s.bookings.append(
            Booking(
                booking_ref=result.booking_ref, departure_date=result.departure_date,
                flight=result.flight, escort=escort, transit_assistance=transit,
                requested_on=self._today(),
            )
        )

    async def _pay_grant(self) -> None:
        """Pay an approved grant once; the key is case id + payment id, never the run id."""
        s, grant = self._state, self._state.grant
        if grant is None or grant.status != GrantStatus.APPROVED:
            return
        assert grant.payment_id is not None
        payment = PaymentRequest(
            case_id=s.case_id, payment_id=grant.payment_id,
            idempotency_key=f"{s.case_id}:{grant.payment_id}",
            amount=grant.amount, currency=grant.currency,
        )
        try:
            grant.receipt_ref = (await calls.pay(payment)).receipt_ref
            grant.status = GrantStatus.PAID
        except ActivityError as err:
            reason = calls.refusal_of(err, PAYMENT_DECLINED)
            if reason is None:
                raise
            grant.status, grant.reason = GrantStatus.PAYMENT_FAILED, reason

    async def _close_with_compensation(self, reason: ClosureReason, note: str) -> None:
        """Undo what was set in motion, newest first, then close the case."""
        s = self._state
        booking = s.active_booking
        if booking is not None:
            await calls.cancel_booking(CancelBooking(case_id=s.case_id, booking_ref=booking.booking_ref))
            booking.status = BookingStatus.CANCELLED
        docs = s.documents
        if docs.request_ref and docs.status in (DocumentStatus.REQUESTED, DocumentStatus.DEADLINE_REACHED):
            await calls.withdraw_document_request(
                WithdrawDocumentRequest(case_id=s.case_id, request_ref=docs.request_ref)
            )
            docs.status = DocumentStatus.WITHDRAWN
        # Nothing is paid before departure, so releasing the grant moves no money.
        if s.grant is not None and s.grant.status in (GrantStatus.PROPOSED, GrantStatus.APPROVED):
            s.grant.status = GrantStatus.RELEASED
        self._close(reason, note)

    async def _notify(self, role: Role, subject: str, body: str) -> None:
        s = self._state
        await calls.remind(
            Reminder(case_id=s.case_id, reference=s.reference, recipient_role=role,
                     subject=f"{s.reference}: {subject}", body=body)
        )

    # ---- timers: embassy chasing and no-shows ----------------------------------------

    def _next_due(self) -> datetime | None:
        s, dues = self._state, []
        docs = s.documents
        if docs.status == DocumentStatus.REQUESTED and docs.last_chased_at and docs.deadline_at:
            every = timedelta(days=s.policy.chasing.reminder_every_days)
            dues += [docs.last_chased_at + every, docs.deadline_at]
        booking = s.active_booking
        if s.stage == Stage.TRAVEL and booking and booking.status == BookingStatus.BOOKED:
            dues.append(self._no_show_at(booking.departure_date))
        return min(dues) if dues else None

    def _no_show_at(self, departure: date) -> datetime:
        start = datetime.combine(departure, time(0), tzinfo=UTC)
        return start + timedelta(hours=self._state.policy.no_show_after_hours)

    async def _fire_timers(self) -> None:
        s, now, docs = self._state, workflow.now(), self._state.documents
        if docs.status == DocumentStatus.REQUESTED and docs.deadline_at and docs.last_chased_at:
            if now >= docs.deadline_at:
                docs.status = DocumentStatus.DEADLINE_REACHED
                s.awaiting = "decision on the travel document: the embassy's deadline has passed"
                await self._notify(Role.CASEWORKER, "embassy deadline reached", s.awaiting)
                self._touch()
            elif now >= docs.last_chased_at + timedelta(days=s.policy.chasing.reminder_every_days):
                docs.last_chased_at, docs.reminders_sent = now, docs.reminders_sent + 1
                await self._notify(
                    Role.CASEWORKER, "chase the embassy",
                    f"request {docs.request_ref} has had no answer since {docs.requested_at:%Y-%m-%d}",
                )
                self._touch()
        booking = s.active_booking
        if (
            s.stage == Stage.TRAVEL and booking and booking.status == BookingStatus.BOOKED
            and now >= self._no_show_at(booking.departure_date)
        ):
            booking.status = BookingStatus.NO_SHOW
            s.awaiting = f"decision on the no-show of booking {booking.booking_ref}: rebook or suspend"
            await self._notify(Role.CASEWORKER, "no-show", s.awaiting)
            self._touch()

    # ---- state helpers ---------------------------------------------------------------

    def _today(self) -> date:
        return workflow.now().date()

    def _require_stage(self, stages: Stage | tuple[Stage, ...], action: str) -> None:
        rules.require_stage(self._state, (stages,) if isinstance(stages, Stage) else stages, action)

    def _require_consent(self) -> None:
        consent = self._state.consent
        if consent is None or not consent.share_with_authorities:
            # Nothing leaves for an external party before consent; a guard, not a decision.
            raise rules.refuse("no consent to share data with the authorities")

    def _check_departure_date(self, departure: date) -> None:
        if departure <= self._today():
            raise rules.refuse(f"the departure date {departure} must be in the future")
        for s in self._state.steps:
            if s.valid_until and s.done and s.valid_until < departure:
                raise rules.refuse(
                    f"the fit-to-travel certificate of member {s.member_id} expires "
                    f"{s.valid_until}, before the departure on {departure}"
                )

    def _touch(self) -> None:
        self._state.version += 1
        self._state.updated_at = workflow.now()
        self._state.warnings = rules.warnings(self._state, self._today())
        self._dirty = True

    def _change_stage(self, stage: Stage) -> None:
        self._state.stage = stage
        self._state.stage_history.append(StageChange(stage=stage, at=workflow.now()))
        self._touch()

    def _close(self, reason: ClosureReason, note: str) -> None:
        """Pre-departure closure: not eligible, withdrawn, absconded, no travel document."""
        self._state.closure_reason, self._state.closure_note = reason, note
        self._state.status = CaseStatus.CLOSED
        self._state.awaiting = None
        self._change_stage(Stage.CLOSED)
        self._done = True

    async def _project(self) -> None:
        s = self._state
        assert s.updated_at is not None
        booking = s.active_booking
        await workflow.execute_activity_method(
            ProjectionActivities.project_case,
            ProjectCaseInput(
                case_id=s.case_id, stage=s.stage, status=s.status, version=s.version,
                updated_at=s.updated_at, closure_reason=s.closure_reason,
                departure_date=s.departed_on or (booking.departure_date if booking else None),
                grant_receipt_ref=s.grant.receipt_ref if s.grant else None,
            ),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=PROJECTION_RETRY,
        )
