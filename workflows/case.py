"""The running case: its state, how it changes, and its calls to the outside world.

``ReturnCaseWorkflow`` owns one ``CaseRun`` and delegates to it; everything here runs inside
the workflow (deterministic: ``workflow.now()``, ``workflow.uuid4()``, activities only).
Compensation on closure is written out in ``close_with_compensation``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

from activities.projection import ProjectionActivities
from core import search_attributes as sa
from models.enums import (
    BookingStatus,
    CaseStatus,
    ClosureReason,
    DocumentStatus,
    GrantStatus,
    Role,
    Stage,
    TimelineKind,
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
    DeadlineInfo,
    ProjectCaseInput,
    StageChange,
    TaskInfo,
    TimelineEntryInput,
)
from workflows import aftercare, calls, deadlines, patches, rules, tasks
from workflows.aftercare import AftercareRun

PROJECTION_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=[],
)


class CaseRun(AftercareRun):
    def __init__(self, state: CaseState, *, new: bool) -> None:
        self.state = state
        self.dirty = new  # state changed since the last projection
        self.done = False  # the run should end once its handlers finish
        self._search_values: tuple[object, ...] | None = None  # as last upserted in this run

    async def request_document(self) -> None:
        """File (or re-file) the emergency travel document request and start chasing it."""
        s, docs = self.state, self.state.documents
        self.require_consent()
        docs.attempts += 1
        request = DocumentRequest(
            case_id=s.case_id,
            request_key=f"{s.case_id}:etd:{docs.attempts}",
            country_of_origin=s.country_of_origin,
            member_ids=docs.member_ids,
        )
        try:
            result = await calls.request_document(request)
        except ActivityError as err:
            reason = calls.refusal_of(err, EMBASSY_REFUSED)
            if reason is None:
                raise
            self.call_outcome("travel document request refused by the embassy", reason=reason)
            docs.status, docs.refusal_reason, docs.request_ref = (
                DocumentStatus.REFUSED,
                reason,
                None,
            )
            s.awaiting = "decision on the embassy's refusal: request again, escalate or close"
            self.touch()
            return
        docs.status, docs.request_ref, docs.refusal_reason = (
            DocumentStatus.REQUESTED,
            result.request_ref,
            None,
        )
        docs.requested_at = workflow.now()
        self.call_outcome(
            "travel document requested from the embassy", request_ref=result.request_ref
        )
        self.start_chasing()
        s.awaiting = f"the embassy's answer to request {result.request_ref}"
        self.touch()

    def start_chasing(self) -> None:
        docs, chasing = self.state.documents, self.state.policy.chasing
        docs.status = DocumentStatus.REQUESTED
        docs.last_chased_at = workflow.now()
        docs.deadline_at = workflow.now() + timedelta(days=chasing.deadline_days)

    async def enter_clearance(self) -> None:
        """Notify both authorities of the planned departure, then wait for their clearance."""
        s = self.state
        self.require_consent()
        assert s.documents.planned_departure is not None
        notices = [
            AuthorityNotice(
                case_id=s.case_id,
                authority=authority,
                travellers=len(s.household),
                planned_departure=s.documents.planned_departure,
                location_type=s.location_type,
            )
            for authority in (Authority.BORDER_GUARD, Authority.MIGRATION_OFFICE)
        ]
        border_guard, migration_office = await asyncio.gather(
            *(calls.notify_authority(n) for n in notices)
        )
        s.clearance.border_guard_ref = border_guard.reference
        s.clearance.migration_office_ref = migration_office.reference
        self.call_outcome(
            "border guard and migration office notified of the planned departure",
            border_guard_ref=border_guard.reference,
            migration_office_ref=migration_office.reference,
        )
        s.awaiting = "clearance by the authorities"
        self.change_stage(Stage.CLEARANCE)

    async def book(self, departure: date, escort: bool, transit: bool) -> None:
        s = self.state
        self.require_consent()
        request = BookingRequest(
            case_id=s.case_id,
            booking_key=f"{s.case_id}:booking:{len(s.bookings) + 1}",
            country_of_origin=s.country_of_origin,
            destination_city=s.destination_city,
            departure_date=departure,
            travellers=len(s.household),
            escort=escort,
            transit_assistance=transit,
        )
        try:
            result = await calls.book(request)
        except ActivityError as err:
            reason = calls.refusal_of(err, BOOKING_REFUSED)
            if reason is None:
                raise
            self.call_outcome("booking refused", reason=reason)
            raise rules.refuse(f"the booking system refused: {reason}") from err
        self.call_outcome(
            f"travel booked for {result.departure_date}", booking_ref=result.booking_ref
        )
        s.bookings.append(
            Booking(
                booking_ref=result.booking_ref,
                departure_date=result.departure_date,
                flight=result.flight,
                escort=escort,
                transit_assistance=transit,
                requested_on=self.today(),
            )
        )

    async def pay_grant(self) -> None:
        """Pay an approved grant once; the key is case id + payment id, never the run id."""
        s, grant = self.state, self.state.grant
        if grant is None or grant.status != GrantStatus.APPROVED:
            return
        assert grant.payment_id is not None
        payment = PaymentRequest(
            case_id=s.case_id,
            payment_id=grant.payment_id,
            idempotency_key=f"{s.case_id}:{grant.payment_id}",
            amount=grant.amount,
            currency=grant.currency,
        )
        try:
            grant.receipt_ref = (await calls.pay(payment)).receipt_ref
            grant.status = GrantStatus.PAID
            self.call_outcome("cash grant paid", receipt_ref=grant.receipt_ref)
        except ActivityError as err:
            reason = calls.refusal_of(err, PAYMENT_DECLINED)
            if reason is None:
                raise
            grant.status, grant.reason = GrantStatus.PAYMENT_FAILED, reason
            self.call_outcome("cash grant payment declined", reason=reason)
            s.awaiting = "decision on the declined grant payment: retry it"

    async def close_with_compensation(self, reason: ClosureReason, note: str) -> None:
        """Undo what was set in motion, newest first, then close the case."""
        s = self.state
        booking = s.active_booking
        if booking is not None:
            await calls.cancel_booking(
                CancelBooking(case_id=s.case_id, booking_ref=booking.booking_ref)
            )
            booking.status = BookingStatus.CANCELLED
            self.call_outcome("booking cancelled", booking_ref=booking.booking_ref)
        docs = s.documents
        if docs.request_ref and docs.status in (
            DocumentStatus.REQUESTED,
            DocumentStatus.DEADLINE_REACHED,
        ):
            await calls.withdraw_document_request(
                WithdrawDocumentRequest(case_id=s.case_id, request_ref=docs.request_ref)
            )
            docs.status = DocumentStatus.WITHDRAWN
            self.call_outcome("travel document request withdrawn", request_ref=docs.request_ref)
        # Nothing is paid before departure, so releasing the grant moves no money.
        if s.grant is not None and s.grant.status in (GrantStatus.PROPOSED, GrantStatus.APPROVED):
            s.grant.status = GrantStatus.RELEASED
        self.close(reason, note)

    async def notify(self, role: Role, subject: str, body: str) -> None:
        """Remind staff with ``role``: e-mail and in-app notification, and a timeline entry."""
        s = self.state
        key = self.record(TimelineKind.REMINDER, f"{role} reminded: {subject}", awaited=body)
        await calls.remind(
            Reminder(
                case_id=s.case_id,
                reference=s.reference,
                recipient_role=role,
                subject=f"{s.reference}: {subject}",
                body=body,
                key=key,
                # A caseworker reminder goes to the case's caseworker, once it has one.
                recipient_id=s.assignee_id if role == Role.CASEWORKER else None,
            )
        )

    # ---- timers: embassy chasing and no-shows ----------------------------------------

    def next_due(self) -> datetime | None:
        s, dues = self.state, []
        docs = s.documents
        if docs.status == DocumentStatus.REQUESTED and docs.last_chased_at and docs.deadline_at:
            every = timedelta(days=s.policy.chasing.reminder_every_days)
            dues += [docs.last_chased_at + every, docs.deadline_at]
        booking = s.active_booking
        if s.stage == Stage.TRAVEL and booking and booking.status == BookingStatus.BOOKED:
            dues.append(self.no_show_at(booking.departure_date))
        dues += self.aftercare_due()
        return min(dues) if dues else None

    def no_show_at(self, departure: date) -> datetime:
        start = datetime.combine(departure, time(0), tzinfo=UTC)
        return start + timedelta(hours=self.state.policy.no_show_after_hours)

    async def fire_timers(self) -> None:
        s, now, docs = self.state, workflow.now(), self.state.documents
        if docs.status == DocumentStatus.REQUESTED and docs.deadline_at and docs.last_chased_at:
            if now >= docs.deadline_at:
                docs.status = DocumentStatus.DEADLINE_REACHED
                s.awaiting = "decision on the travel document: the embassy's deadline has passed"
                await self.notify(Role.CASEWORKER, "embassy deadline reached", s.awaiting)
                self.touch()
            elif now >= docs.last_chased_at + timedelta(days=s.policy.chasing.reminder_every_days):
                docs.last_chased_at, docs.reminders_sent = now, docs.reminders_sent + 1
                await self.notify(
                    Role.CASEWORKER,
                    "chase the embassy",
                    f"request {docs.request_ref} has had no answer since {docs.requested_at:%Y-%m-%d}",
                )
                self.touch()
        booking = s.active_booking
        if (
            s.stage == Stage.TRAVEL
            and booking
            and booking.status == BookingStatus.BOOKED
            and now >= self.no_show_at(booking.departure_date)
        ):
            booking.status = BookingStatus.NO_SHOW
            s.awaiting = (
                f"decision on the no-show of booking {booking.booking_ref}: rebook or suspend"
            )
            await self.notify(Role.CASEWORKER, "no-show", s.awaiting)
            self.touch()
        await self.fire_aftercare_timers()

    # ---- state helpers ---------------------------------------------------------------

    def today(self) -> date:
        return workflow.now().date()

    def require_consent(self) -> None:
        consent = self.state.consent
        if consent is None or not consent.share_with_authorities:
            # Nothing leaves for an external party before consent; a guard, not a decision.
            raise rules.refuse("no consent to share data with the authorities")

    def touch(self) -> None:
        self.state.version += 1
        self.state.updated_at = workflow.now()
        self.state.warnings = rules.warnings(self.state, self.today()) + aftercare.warnings(
            self.state, workflow.now()
        )
        tasks.track(self.state, workflow.now())
        self.dirty = True

    def change_stage(self, stage: Stage) -> None:
        self.state.stage = stage
        self.state.stage_history.append(StageChange(stage=stage, at=workflow.now()))
        self.record(TimelineKind.STAGE_CHANGE, f"stage: {stage}")
        self.touch()

    def close(self, reason: ClosureReason, note: str) -> None:
        """Close the case: it accepts no further decisions and its run ends."""
        self.state.closure_reason, self.state.closure_note = reason, note
        self.state.status = CaseStatus.CLOSED
        self.state.closed_at = workflow.now()
        self.state.closure_proposal = None
        self.state.awaiting = None
        self.change_stage(Stage.CLOSED)
        self.done = True

    async def project(self) -> None:
        """Write pending timeline entries and the projection: one activity, one transaction.

        Not a local activity: that one writes before its workflow task is recorded, and a
        worker killed in between leaves rows from a run of the task that never happened (the
        worker-kill fault test found timeline entries with another decision's text).
        Histories recorded before patches.ONE_PROJECTION_WRITE wrote them with two activities (timeline
        first) and replay that way.
        """
        s = self.state
        if s.updated_at is None:
            await self.write_timeline(PROJECTION_RETRY)
            return
        if workflow.patched(patches.ONE_PROJECTION_WRITE):
            entries, s.pending_timeline = s.pending_timeline, []
            data = self._projection(entries)
            self.upsert_search_attributes(data.tasks, data.deadlines, only_changed=True)
            await workflow.execute_activity_method(
                ProjectionActivities.record_and_project,
                data,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=PROJECTION_RETRY,
            )
            return
        await self.write_timeline(PROJECTION_RETRY)
        data = self._projection([])
        self.upsert_search_attributes(data.tasks, data.deadlines)
        await workflow.execute_activity_method(
            ProjectionActivities.project_case,
            data,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=PROJECTION_RETRY,
        )

    def _projection(self, timeline: list[TimelineEntryInput]) -> ProjectCaseInput:
        """What the lists show of the case, with the timeline entries to write alongside."""
        s = self.state
        booking = s.active_booking
        delivered = [
            c.delivered_on for c in (s.plan.components if s.plan else []) if c.delivered_on
        ]
        assert s.updated_at is not None
        return ProjectCaseInput(
            case_id=s.case_id,
            stage=s.stage,
            status=s.status,
            version=s.version,
            updated_at=s.updated_at,
            closure_reason=s.closure_reason,
            departure_date=s.departed_on or (booking.departure_date if booking else None),
            grant_receipt_ref=s.grant.receipt_ref if s.grant else None,
            awaiting=s.awaiting,
            awaiting_caseworker=rules.awaits_caseworker(s),
            partner_id=s.handover.partner_id if s.handover else None,
            arrival_date=s.arrival.confirmed_on,
            reintegration_date=min(delivered) if delivered else None,
            closed_date=s.closed_at.date() if s.closed_at else None,
            assignee_id=s.assignee_id,
            tasks=tasks.open_tasks(s, workflow.now()),
            deadlines=deadlines.case_deadlines(s),
            timeline=timeline,
        )

    def upsert_search_attributes(
        self,
        open_tasks: list[TaskInfo],
        case_deadlines: list[DeadlineInfo],
        only_changed: bool = False,
    ) -> None:
        """Stage, waiting-on, next due, assignee, country, project: for Temporal's lists.

        Behind a patch: histories recorded before the attributes existed replay unchanged.
        only_changed (with patches.ONE_PROJECTION_WRITE) skips the upsert, a visibility write on the
        server, when the values are those this run last upserted.
        """
        if not workflow.patched(patches.CASE_SEARCH_ATTRIBUTES):
            return
        s = self.state
        dues = [t.due_at for t in open_tasks if t.due_at is not None]
        dues += [d.due_at for d in case_deadlines]
        timer = self.next_due()
        if timer is not None:
            dues.append(timer)
        waiting = tasks.waiting_on(open_tasks)
        next_due = min(dues) if dues else None
        values = (s.stage, waiting, next_due, s.assignee_id, s.country_of_origin, s.project_id)
        if only_changed and values == self._search_values:
            return
        self._search_values = values
        workflow.upsert_search_attributes([
            sa.CASE_STAGE.value_set(s.stage.value),
            sa.WAITING_ON.value_set(waiting) if waiting else sa.WAITING_ON.value_unset(),
            sa.NEXT_DUE.value_set(next_due) if next_due else sa.NEXT_DUE.value_unset(),
            sa.ASSIGNEE.value_set(s.assignee_id) if s.assignee_id else sa.ASSIGNEE.value_unset(),
            sa.CASE_COUNTRY.value_set(s.country_of_origin),
            sa.CASE_PROJECT.value_set(s.project_id) if s.project_id
            else sa.CASE_PROJECT.value_unset(),
        ])
