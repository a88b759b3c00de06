"""The case workflow's updates after departure (handover, arrival, plan, monitoring) and
closure, each a validator (its declaration in ``workflows/phases``) and a body in
``after_departure.py``.

``ReturnCaseWorkflow`` inherits them (see ``case_updates``).
"""

from __future__ import annotations

from temporalio import workflow

import workflows.after_departure as after
import workflows.handover as handover  # noqa: PLR0402
import workflows.phases as phases  # noqa: PLR0402
from models import decisions as inputs
from models.payloads import CaseState
from workflows.case_updates import CaseUpdates


class AfterDepartureUpdates(CaseUpdates):
    @workflow.update
    async def hand_over(self, data: inputs.HandOverInput) -> CaseState:
        async with self._lock:
            self._validate_hand_over(data)
            self._case.decided(data.actor, "handover to the partner requested")
            await handover.hand_over(self._case)
        return self._case.state

    @hand_over.validator
    def _validate_hand_over(self, data: inputs.HandOverInput) -> None:
        phases.arrival.HAND_OVER.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def confirm_arrival(self, data: inputs.ConfirmArrivalInput) -> CaseState:
        return after.confirm_arrival(self._case, data)

    @confirm_arrival.validator
    def _validate_arrival(self, data: inputs.ConfirmArrivalInput) -> None:
        phases.arrival.CONFIRM_ARRIVAL.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def record_assistance(self, data: inputs.RecordAssistanceInput) -> CaseState:
        async with self._lock:
            self._validate_assistance(data)
            return await after.record_assistance(self._case, data)

    @record_assistance.validator
    def _validate_assistance(self, data: inputs.RecordAssistanceInput) -> None:
        phases.arrival.RECORD_ASSISTANCE.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def propose_plan(self, data: inputs.ProposePlanInput) -> CaseState:
        return after.propose_plan(self._case, data)

    @propose_plan.validator
    def _validate_propose_plan(self, data: inputs.ProposePlanInput) -> None:
        phases.reintegration.PROPOSE_PLAN.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def decide_plan(self, data: inputs.PlanDecisionInput) -> CaseState:
        async with self._lock:
            self._validate_decide_plan(data)  # again: another decision may have won
            return await after.decide_plan(self._case, data)

    @decide_plan.validator
    def _validate_decide_plan(self, data: inputs.PlanDecisionInput) -> None:
        phases.reintegration.DECIDE_PLAN.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def report_delivery(self, data: inputs.ReportDeliveryInput) -> CaseState:
        async with self._lock:
            self._validate_delivery(data)
            return await after.report_delivery(self._case, data)

    @report_delivery.validator
    def _validate_delivery(self, data: inputs.ReportDeliveryInput) -> None:
        phases.reintegration.REPORT_DELIVERY.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def report_monitoring(self, data: inputs.ReportMonitoringInput) -> CaseState:
        return after.report_monitoring(self._case, data)

    @report_monitoring.validator
    def _validate_monitoring(self, data: inputs.ReportMonitoringInput) -> None:
        phases.monitoring.REPORT_MONITORING.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def add_monitoring_visit(self, data: inputs.AddVisitInput) -> CaseState:
        return after.add_monitoring_visit(self._case, data)

    @add_monitoring_visit.validator
    def _validate_add_visit(self, data: inputs.AddVisitInput) -> None:
        phases.monitoring.ADD_VISIT.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def end_monitoring(self, data: inputs.EndMonitoringInput) -> CaseState:
        return after.end_monitoring(self._case, data)

    @end_monitoring.validator
    def _validate_end_monitoring(self, data: inputs.EndMonitoringInput) -> None:
        phases.monitoring.END_MONITORING.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def propose_closure(self, data: inputs.ProposeClosureInput) -> CaseState:
        return after.propose_closure(self._case, data)

    @propose_closure.validator
    def _validate_propose_closure(self, data: inputs.ProposeClosureInput) -> None:
        phases.closure.PROPOSE_CLOSURE.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def decide_closure(self, data: inputs.ClosureDecisionInput) -> CaseState:
        async with self._lock:
            self._validate_decide_closure(data)
            return await after.decide_closure(self._case, data)

    @decide_closure.validator
    def _validate_decide_closure(self, data: inputs.ClosureDecisionInput) -> None:
        phases.closure.DECIDE_CLOSURE.validate(self._case.state, data, self._case.today())
