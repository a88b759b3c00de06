"""The case's timers: chasing the embassy, no-shows, the handover, the arrival and the
monitoring visits. ``next_due`` says when the run loop must wake up, ``fire`` acts on what
is due; both read the state only, so a timer needs nothing kept outside it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from temporalio import workflow

from models.enums import BookingStatus, DocumentStatus, Role, Stage, TaskKind
from models.external import ChaseDocumentRequest
from models.payloads import CaseState
from workflows import calls, effects, handover, minors, partner_choice, patches, tasks
from workflows.aftercare import at_midnight
from workflows.run import CaseRun


def next_due(state: CaseState) -> datetime | None:
    dues = []
    docs = state.documents
    if docs.status == DocumentStatus.REQUESTED and docs.last_chased_at and docs.deadline_at:
        every = timedelta(days=state.policy.chasing.reminder_every_days)
        dues += [docs.last_chased_at + every, docs.deadline_at]
    booking = state.active_booking
    if state.stage == Stage.TRAVEL and booking and booking.status == BookingStatus.BOOKED:
        dues.append(no_show_at(state, booking.departure_date))
    dues += _after_departure_due(state)
    dues += partner_choice.next_due(state)
    return min(dues) if dues else None


def no_show_at(state: CaseState, departure: date) -> datetime:
    start = datetime.combine(departure, time(0), tzinfo=UTC)
    return start + timedelta(hours=state.policy.no_show_after_hours)


def _after_departure_due(state: CaseState) -> list[datetime]:
    dues = []
    if state.handover_due:
        dues.append(workflow.now())
    arrival, policy = state.arrival, state.policy.aftercare
    if state.stage == Stage.ARRIVAL and arrival.confirmed_on is None:
        if arrival.expected_by and arrival.reminders_sent == 0:
            dues.append(arrival.expected_by)
        if arrival.escalate_at and not arrival.escalated:
            dues.append(arrival.escalate_at)
    if state.stage == Stage.MONITORING:
        for v in state.monitoring.open_visits():
            if not v.reminded:
                dues.append(
                    at_midnight(v.due_on - timedelta(days=policy.visit_reminder_days_before))
                )
            if not v.overdue:
                dues.append(at_midnight(v.due_on + timedelta(days=policy.visit_grace_days)))
    dues += minors.due(state)
    return dues


async def fire(case: CaseRun) -> None:
    """Act on every timer that is due, in a fixed order (replay depends on it)."""
    state, now, docs = case.state, workflow.now(), case.state.documents
    if docs.status == DocumentStatus.REQUESTED and docs.deadline_at and docs.last_chased_at:
        if now >= docs.deadline_at:
            docs.status = DocumentStatus.DEADLINE_REACHED
            body = tasks.waits_for(state, TaskKind.DOCUMENT_DECISION)
            await effects.notify(case, Role.CASEWORKER, "embassy deadline reached", body)
            case.touch()
        elif now >= docs.last_chased_at + timedelta(
            days=state.policy.chasing.reminder_every_days
        ):
            docs.last_chased_at, docs.reminders_sent = now, docs.reminders_sent + 1
            await effects.notify(
                case,
                Role.CASEWORKER,
                "chase the embassy",
                f"request {docs.request_ref} has had no answer since {docs.requested_at:%Y-%m-%d}",
            )
            if workflow.patched(patches.EMBASSY_REMINDER) and docs.request_ref:
                await calls.chase_document_request(ChaseDocumentRequest(
                    case_id=state.case_id, request_ref=docs.request_ref,
                    reminder=docs.reminders_sent,
                ))
            case.touch()
    booking = state.active_booking
    if (
        state.stage == Stage.TRAVEL
        and booking
        and booking.status == BookingStatus.BOOKED
        and now >= no_show_at(state, booking.departure_date)
    ):
        booking.status = BookingStatus.NO_SHOW
        body = tasks.waits_for(state, TaskKind.NO_SHOW_DECISION)
        await effects.notify(case, Role.CASEWORKER, "no-show", body)
        case.touch()
    await partner_choice.fire(case)
    await _fire_after_departure(case)


async def _fire_after_departure(case: CaseRun) -> None:
    state, now, policy = case.state, workflow.now(), case.state.policy.aftercare
    if state.handover_due:
        state.handover_due = False
        await handover.hand_over(case)
    arrival = state.arrival
    if state.stage == Stage.ARRIVAL and arrival.confirmed_on is None:
        if arrival.expected_by and arrival.reminders_sent == 0 and now >= arrival.expected_by:
            arrival.reminders_sent += 1
            body = f"the departure on {state.departed_on} has not been confirmed as arrived"
            await effects.remind_partner_and_caseworker(
                case, "confirm the arrival", body, caseworker_subject=effects.N_("arrival not confirmed"))
            case.touch()
        if arrival.escalate_at and not arrival.escalated and now >= arrival.escalate_at:
            arrival.escalated = True
            await effects.notify(
                case,
                Role.SUPERVISOR,
                "arrival still not confirmed",
                f"the partner has not confirmed the arrival after the departure on "
                f"{state.departed_on}, despite a reminder",
            )
            case.touch()
    if state.stage == Stage.MONITORING:
        for v in state.monitoring.open_visits():
            before = at_midnight(v.due_on - timedelta(days=policy.visit_reminder_days_before))
            if not v.reminded and now >= before:
                v.reminded = True
                await effects.remind_partner(
                    case,
                    f"monitoring visit {v.number} due on {v.due_on}",
                    "please visit the returnee and report the monitoring indicators",
                )
                case.touch()
            if not v.overdue and now >= at_midnight(
                v.due_on + timedelta(days=policy.visit_grace_days)
            ):
                v.overdue = True
                body = f"monitoring visit {v.number} was due on {v.due_on} and is not reported"
                await effects.remind_partner_and_caseworker(case, "monitoring visit overdue", body)
                case.touch()
    await minors.fire(case)
