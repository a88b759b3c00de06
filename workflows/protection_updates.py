"""The case workflow's updates of protection: an unaccompanied minor's handover at arrival
and follow-ups (``minors.py``), and the facts of consent changes for the case's history.

``ReturnCaseWorkflow`` inherits them (see ``case_updates``).
"""

from __future__ import annotations

from temporalio import workflow

import workflows.minors as minors  # noqa: PLR0402
import workflows.phases as phases  # noqa: PLR0402
from models import decisions as inputs
from models.payloads import CaseState
from workflows.case_updates import CaseUpdates


class ProtectionUpdates(CaseUpdates):
    @workflow.update
    async def record_minor_handover(self, data: inputs.MinorHandoverInput) -> CaseState:
        return minors.record_handover(self._case, data)

    @record_minor_handover.validator
    def _validate_minor_handover(self, data: inputs.MinorHandoverInput) -> None:
        phases.arrival.RECORD_MINOR_HANDOVER.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def report_minor_follow_up(self, data: inputs.MinorFollowUpInput) -> CaseState:
        return minors.report_follow_up(self._case, data)

    @report_minor_follow_up.validator
    def _validate_minor_follow_up(self, data: inputs.MinorFollowUpInput) -> None:
        phases.monitoring.REPORT_MINOR_FOLLOW_UP.validate(
            self._case.state, data, self._case.today())

    @workflow.signal
    def consent_changed(self, fact: inputs.ConsentFact) -> None:
        """A person's consent for a purpose was recorded (api/consent.py): the fact goes in
        the case's history; who, and the signed form, stay in the database."""
        told = f", {fact.informed} recipient(s) told" if fact.informed else ""
        self._case.decided(fact.actor, f"{fact.purpose} consent {fact.status} for "
                                       f"{fact.persons} person(s){told}")
        self._case.touch()
