"""After departure: handover to the partner, arrival, reintegration plan, monitoring, closure.

``AftercareRun`` is the running case's part (timers, the handover call); ``AftercareUpdates``
the workflow's updates, mixed into ``ReturnCaseWorkflow``. Validators live in
aftercare_checks.py, the score in score.py.
"""

from __future__ import annotations

import asyncio
import calendar
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from temporalio import workflow
from temporalio.exceptions import ActivityError

import workflows.phases as phases  # noqa: PLR0402
from models.decisions import (
    AddVisitInput,
    ClosureDecisionInput,
    ConfirmArrivalInput,
    EndMonitoringInput,
    HandOverInput,
    PlanDecisionInput,
    ProposeClosureInput,
    ProposePlanInput,
    RecordAssistanceInput,
    ReportDeliveryInput,
    ReportMonitoringInput,
)
from models.enums import DIMENSION_OF, CostCategory, PlanStatus, Role, Stage, TimelineKind
from models.external import NO_PARTNER, HandoverRequest, Reminder
from models.funding import CostLine
from models.payloads import CaseState
from models.reintegration import (
    Assistance,
    ClosureProposal,
    Handover,
    MonitoringVisit,
    PlanComponent,
    ReintegrationPlan,
)
from workflows import calls, score
from workflows.aftercare_checks import plan_cap
from workflows.budget import require_budget
from workflows.timeline import CaseTimeline


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def at_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def warnings(s: CaseState, now: datetime) -> list[str]:
    """The after-departure part of the case's warnings."""
    out: list[str] = []
    a = s.arrival
    if s.stage == Stage.ARRIVAL and a.expected_by and now >= a.expected_by:
        out.append(f"arrival not confirmed by the partner since {a.expected_by:%Y-%m-%d}")
    for v in s.monitoring.visits:
        if v.overdue and v.reported_on is None:
            out.append(f"monitoring visit {v.number} (due {v.due_on}) is overdue")
    return out


class AftercareRun(CaseTimeline):
    """Timers and calls of the phase after departure; mixed into ``CaseRun``."""

    def aftercare_due(self) -> list[datetime]:
        s, dues = self.state, []
        if s.handover_due:
            dues.append(workflow.now())
        a, policy = s.arrival, s.policy.aftercare
        if s.stage == Stage.ARRIVAL and a.confirmed_on is None:
            if a.expected_by and a.reminders_sent == 0:
                dues.append(a.expected_by)
            if a.escalate_at and not a.escalated:
                dues.append(a.escalate_at)
        if s.stage == Stage.MONITORING:
            for v in s.monitoring.open_visits():
                if not v.reminded:
                    dues.append(
                        at_midnight(v.due_on - timedelta(days=policy.visit_reminder_days_before))
                    )
                if not v.overdue:
                    dues.append(at_midnight(v.due_on + timedelta(days=policy.visit_grace_days)))
        return dues

    async def fire_aftercare_timers(self) -> None:
        s, now, policy = self.state, workflow.now(), self.state.policy.aftercare
        if s.handover_due:
            s.handover_due = False
            await self.hand_over()
        a = s.arrival
        if s.stage == Stage.ARRIVAL and a.confirmed_on is None:
            if a.expected_by and a.reminders_sent == 0 and now >= a.expected_by:
                a.reminders_sent += 1
                body = f"the departure on {s.departed_on} has not been confirmed as arrived"
                await asyncio.gather(
                    self.remind_partner("confirm the arrival", body),
                    self.notify(Role.CASEWORKER, "arrival not confirmed", body),
                )
                self.touch()
            if a.escalate_at and not a.escalated and now >= a.escalate_at:
                a.escalated = True
                await self.notify(
                    Role.SUPERVISOR,
                    "arrival still not confirmed",
                    f"the partner has not confirmed the arrival after the departure on "
                    f"{s.departed_on}, despite a reminder",
                )
                self.touch()
        if s.stage == Stage.MONITORING:
            for v in s.monitoring.open_visits():
                before = at_midnight(v.due_on - timedelta(days=policy.visit_reminder_days_before))
                if not v.reminded and now >= before:
                    v.reminded = True
                    await self.remind_partner(
                        f"monitoring visit {v.number} due on {v.due_on}",
                        "please visit the returnee and report the monitoring indicators",
                    )
                    self.touch()
                if not v.overdue and now >= at_midnight(
                    v.due_on + timedelta(days=policy.visit_grace_days)
                ):
                    v.overdue = True
                    body = f"monitoring visit {v.number} was due on {v.due_on} and is not reported"
                    await asyncio.gather(
                        self.remind_partner("monitoring visit overdue", body),
                        self.notify(Role.CASEWORKER, "monitoring visit overdue", body),
                    )
                    self.touch()

    async def remind_partner(self, subject: str, body: str) -> None:
        s = self.state
        if s.handover is None:
            return
        key = self.record(TimelineKind.REMINDER, f"partner reminded: {subject}", awaited=body)
        await calls.remind(
            Reminder(
                case_id=s.case_id,
                reference=s.reference,
                recipient_role=Role.PARTNER,
                partner_org=s.handover.partner_id,
                subject=f"{s.reference}: {subject}",
                body=body,
                key=key,
            )
        )

    async def hand_over(self) -> None:
        """Hand the case to the partner for its country; then wait for the arrival."""
        s = self.state
        if s.consent is None or not s.consent.share_with_partner:
            return  # the validator refuses it; a guard here too, nothing leaves without consent
        assert s.departed_on is not None
        request = HandoverRequest(
            case_id=s.case_id,
            handover_key=f"{s.case_id}:handover:{s.timeline_seq}",
            country_of_origin=s.country_of_origin,
            departed_on=s.departed_on,
        )
        try:
            result = await calls.hand_over(request)
        except ActivityError as err:
            reason = calls.refusal_of(err, NO_PARTNER)
            if reason is None:
                raise
            self.call_outcome("handover to a partner failed", reason=reason)
            s.awaiting = f"a reintegration partner: {reason}; add one, then hand over again"
            self.touch()
            return
        s.handover = Handover(
            partner_id=result.partner_id,
            handed_over_at=workflow.now(),
            partner_ref=result.partner_ref,
        )
        self.call_outcome(
            f"case handed over to partner {result.partner_id}", partner_ref=result.partner_ref
        )
        policy = s.policy.aftercare
        s.arrival.expected_by = at_midnight(s.departed_on) + timedelta(
            days=policy.arrival_confirmation_days
        )
        s.arrival.escalate_at = s.arrival.expected_by + timedelta(
            days=policy.arrival_escalation_days
        )
        if s.awaiting is None or s.awaiting.startswith("a reintegration partner"):
            s.awaiting = f"the partner's confirmation of the arrival (partner {result.partner_id})"
        self.change_stage(Stage.ARRIVAL)

    def schedule_visits(self) -> None:
        s = self.state
        arrived = s.arrival.confirmed_on
        assert arrived is not None
        s.monitoring.visits = [
            MonitoringVisit(number=i + 1, due_on=add_months(arrived, months))
            for i, months in enumerate(s.policy.aftercare.monitoring_months)
        ]

    def next_visit_note(self) -> str:
        visits = self.state.monitoring.open_visits()
        if not visits:
            return "a closure proposal (monitoring is over)"
        return f"monitoring visit {visits[0].number}, due on {visits[0].due_on}"

    if TYPE_CHECKING:  # provided by CaseRun, which this class is mixed into

        def touch(self) -> None: ...
        def change_stage(self, stage: Stage) -> None: ...
        async def notify(self, role: Role, subject: str, body: str) -> None: ...


class AftercareUpdates:
    """The workflow's updates after departure (mixed into ``ReturnCaseWorkflow``)."""

    _case: object  # CaseRun, typed loosely to avoid an import cycle
    _lock: asyncio.Lock

    @property
    def _run(self):  # type: ignore[no-untyped-def]
        return self._case

    def _today(self) -> date:
        return workflow.now().date()

    @workflow.update
    async def hand_over(self, data: HandOverInput) -> CaseState:
        async with self._lock:
            self._validate_hand_over(data)
            self._run.decided(data.actor, "handover to the partner requested")
            await self._run.hand_over()
        return self._run.state  # type: ignore[no-any-return]

    @hand_over.validator
    def _validate_hand_over(self, data: HandOverInput) -> None:
        phases.arrival.HAND_OVER.validate(self._run.state, data, self._today())

    @workflow.update
    async def confirm_arrival(self, data: ConfirmArrivalInput) -> CaseState:
        case = self._run
        s = case.state
        s.arrival.confirmed_on, s.arrival.confirmed_by = data.arrived_on, data.actor.id
        case.decided(data.actor, f"arrival confirmed on {data.arrived_on}")
        s.awaiting = "a reintegration plan proposal"
        case.change_stage(Stage.REINTEGRATION)
        return s  # type: ignore[no-any-return]

    @confirm_arrival.validator
    def _validate_arrival(self, data: ConfirmArrivalInput) -> None:
        phases.arrival.CONFIRM_ARRIVAL.validate(self._run.state, data, self._today())

    @workflow.update
    async def record_assistance(self, data: RecordAssistanceInput) -> CaseState:
        async with self._lock:
            self._validate_assistance(data)
            case = self._run
            s = case.state
            number = len(s.arrival.assistance) + 1
            await calls.book_costs(
                CostLine(
                    key=f"{s.case_id}:assistance:{number}",
                    case_id=s.case_id,
                    category=CostCategory.POST_ARRIVAL,
                    amount=data.cost,
                    incurred_on=data.provided_on,
                    description=f"post-arrival assistance: {data.kind}",
                )
            )
            s.arrival.assistance.append(
                Assistance(
                    kind=data.kind,
                    provided_on=data.provided_on,
                    cost=data.cost,
                    recorded_by=data.actor.id,
                )
            )
            case.decided(
                data.actor,
                f"post-arrival assistance: {data.kind} on {data.provided_on}, "
                f"{data.cost} {s.policy.reintegration.currency}",
            )
            case.touch()
        return case.state  # type: ignore[no-any-return]

    @record_assistance.validator
    def _validate_assistance(self, data: RecordAssistanceInput) -> None:
        phases.arrival.RECORD_ASSISTANCE.validate(self._run.state, data, self._today())

    @workflow.update
    async def propose_plan(self, data: ProposePlanInput) -> CaseState:
        case = self._run
        s = case.state
        cap, _ = plan_cap(s)
        components = [
            PlanComponent(
                component_id=f"c{i + 1}",
                kind=c.kind,
                dimension=DIMENSION_OF[c.kind],
                description=c.description,
                budget=c.budget,
            )
            for i, c in enumerate(data.components)
        ]
        total = sum((c.budget for c in components), Decimal(0))
        s.plan = ReintegrationPlan(
            components=components,
            currency=s.policy.reintegration.currency,
            total=total,
            cap=cap,
            proposed_by=data.actor.id,
            proposed_at=workflow.now(),
        )
        case.decided(
            data.actor,
            f"reintegration plan proposed: {len(components)} component(s), {total} "
            f"{s.plan.currency} (cap {cap})",
        )
        s.awaiting = "supervisor approval of the reintegration plan"
        case.touch()
        return s  # type: ignore[no-any-return]

    @propose_plan.validator
    def _validate_propose_plan(self, data: ProposePlanInput) -> None:
        phases.reintegration.PROPOSE_PLAN.validate(self._run.state, data, self._today())

    @workflow.update
    async def decide_plan(self, data: PlanDecisionInput) -> CaseState:
        async with self._lock:
            self._validate_decide_plan(data)  # again: another decision may have won
            if data.approve:
                plan = self._run.state.plan
                assert plan is not None
                # Refused with the project's figures when the plan would exceed its budget.
                await require_budget(
                    self._run.state.case_id, CostCategory.REINTEGRATION, plan.total
                )
            return self._decide_plan(data)

    def _decide_plan(self, data: PlanDecisionInput) -> CaseState:
        case = self._run
        s = case.state
        plan = s.plan
        assert plan is not None
        plan.decided_by, plan.reason = data.actor.id, data.reason
        if not data.approve:
            plan.status = PlanStatus.SENT_BACK
            case.decided(data.actor, "reintegration plan sent back", data.reason)
            s.awaiting = "a new reintegration plan (the last one was sent back)"
            case.touch()
            return s  # type: ignore[no-any-return]
        plan.status = PlanStatus.APPROVED
        case.decided(data.actor, "reintegration plan approved", data.reason)
        case.schedule_visits()
        s.awaiting = case.next_visit_note()
        case.change_stage(Stage.MONITORING)
        return s  # type: ignore[no-any-return]

    @decide_plan.validator
    def _validate_decide_plan(self, data: PlanDecisionInput) -> None:
        phases.reintegration.DECIDE_PLAN.validate(self._run.state, data, self._today())

    @workflow.update
    async def report_delivery(self, data: ReportDeliveryInput) -> CaseState:
        async with self._lock:
            self._validate_delivery(data)
            case = self._run
            plan = case.state.plan
            assert plan is not None
            component = next(c for c in plan.components if c.component_id == data.component_id)
            await calls.book_costs(
                CostLine(
                    # The plan's proposal time tells a re-proposed plan's lines apart.
                    key=f"{case.state.case_id}:plan:{plan.proposed_at:%Y%m%d%H%M%S}:"
                    f"{component.component_id}",
                    case_id=case.state.case_id,
                    category=CostCategory.REINTEGRATION,
                    amount=data.actual_cost,
                    incurred_on=data.delivered_on,
                    description=f"reintegration: {component.kind} ({component.dimension})",
                )
            )
            return self._record_delivery(data)

    def _record_delivery(self, data: ReportDeliveryInput) -> CaseState:
        case = self._run
        assert case.state.plan is not None
        component = next(
            c for c in case.state.plan.components if c.component_id == data.component_id
        )
        component.delivered_on, component.actual_cost = data.delivered_on, data.actual_cost
        component.evidence_ref, component.reported_by = data.evidence_ref, data.actor.id
        case.decided(
            data.actor,
            f"delivered: {component.kind} ({component.component_id}) on {data.delivered_on}, "
            f"{data.actual_cost} of {component.budget} {case.state.plan.currency}",
        )
        case.touch()
        return case.state  # type: ignore[no-any-return]

    @report_delivery.validator
    def _validate_delivery(self, data: ReportDeliveryInput) -> None:
        phases.reintegration.REPORT_DELIVERY.validate(self._run.state, data, self._today())

    @workflow.update
    async def report_monitoring(self, data: ReportMonitoringInput) -> CaseState:
        case = self._run
        s = case.state
        visit = s.monitoring.open_visits()[0]
        visit.reported_on, visit.reported_by = data.held_on, data.actor.id
        visit.indicators = dict(data.indicators)
        visit.score = score.score(data.indicators, s.policy.aftercare.scoring)
        late = " (late)" if visit.overdue else ""
        visit.overdue = False
        case.decided(
            data.actor,
            f"monitoring visit {visit.number} reported{late}: score {visit.score.overall} "
            f"(economic {visit.score.economic}, social {visit.score.social}, "
            f"psychosocial {visit.score.psychosocial})",
        )
        s.awaiting = case.next_visit_note()
        if s.monitoring.open_visits():
            case.touch()
        else:
            case.change_stage(Stage.CLOSURE)
        return s  # type: ignore[no-any-return]

    @report_monitoring.validator
    def _validate_monitoring(self, data: ReportMonitoringInput) -> None:
        phases.monitoring.REPORT_MONITORING.validate(self._run.state, data, self._today())

    @workflow.update
    async def add_monitoring_visit(self, data: AddVisitInput) -> CaseState:
        case = self._run
        s = case.state
        visits = s.monitoring.visits
        visits.append(
            MonitoringVisit(number=len(visits) + 1, due_on=data.due_on, extra_reason=data.reason)
        )
        case.decided(data.actor, f"extra monitoring visit added, due {data.due_on}", data.reason)
        s.awaiting = case.next_visit_note()
        if s.stage == Stage.CLOSURE:
            case.change_stage(Stage.MONITORING)
        else:
            case.touch()
        return s  # type: ignore[no-any-return]

    @add_monitoring_visit.validator
    def _validate_add_visit(self, data: AddVisitInput) -> None:
        phases.monitoring.ADD_VISIT.validate(self._run.state, data, self._today())

    @workflow.update
    async def end_monitoring(self, data: EndMonitoringInput) -> CaseState:
        case = self._run
        s = case.state
        dropped = [v.number for v in s.monitoring.open_visits()]
        s.monitoring.visits = [v for v in s.monitoring.visits if v.reported_on is not None]
        s.monitoring.ended_early_by, s.monitoring.end_reason = data.actor.id, data.reason
        case.decided(
            data.actor,
            f"monitoring ended early (visits {', '.join(map(str, dropped)) or 'none'} dropped)",
            data.reason,
        )
        s.awaiting = "a closure proposal (monitoring is over)"
        case.change_stage(Stage.CLOSURE)
        return s  # type: ignore[no-any-return]

    @end_monitoring.validator
    def _validate_end_monitoring(self, data: EndMonitoringInput) -> None:
        phases.monitoring.END_MONITORING.validate(self._run.state, data, self._today())

    @workflow.update
    async def propose_closure(self, data: ProposeClosureInput) -> CaseState:
        case = self._run
        s = case.state
        s.closure_proposal = ClosureProposal(
            reason=data.reason,
            note=data.note,
            proposed_by=data.actor.id,
            proposed_at=workflow.now(),
            from_stage=s.stage,
        )
        case.decided(data.actor, f"closure proposed: {data.reason}", data.note)
        s.awaiting = "supervisor approval of the closure"
        case.touch()
        return s  # type: ignore[no-any-return]

    @propose_closure.validator
    def _validate_propose_closure(self, data: ProposeClosureInput) -> None:
        phases.closure.PROPOSE_CLOSURE.validate(self._run.state, data, self._today())

    @workflow.update
    async def decide_closure(self, data: ClosureDecisionInput) -> CaseState:
        async with self._lock:
            self._validate_decide_closure(data)
            case = self._run
            s = case.state
            proposal = s.closure_proposal
            assert proposal is not None
            if not data.approve:
                s.closure_proposal = None
                case.decided(data.actor, f"closure ({proposal.reason}) sent back", data.reason)
                s.awaiting = "a decision on how the case continues (closure was sent back)"
                case.touch()
                return s  # type: ignore[no-any-return]
            case.decided(data.actor, f"closure approved: {proposal.reason}", data.reason)
            if s.departed_on is None:
                await case.close_with_compensation(proposal.reason, proposal.note)
            else:
                case.close(proposal.reason, proposal.note)
        return s  # type: ignore[no-any-return]

    @decide_closure.validator
    def _validate_decide_closure(self, data: ClosureDecisionInput) -> None:
        phases.closure.DECIDE_CLOSURE.validate(self._run.state, data, self._today())
