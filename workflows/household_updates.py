"""The case workflow's updates that change its household before departure: a later finding
(a declared decision), and the facts of a corrected, joining or leaving member, sent by the
API's people service once it has checked the personal data (api/household_service.py):
their bodies are facts, the API's carry names."""

from __future__ import annotations

from temporalio import workflow

import models.household_changes as changes
import workflows.household as household  # noqa: PLR0402
import workflows.phases as phases  # noqa: PLR0402
from models.payloads import CaseState
from workflows.case_updates import CaseUpdates


class HouseholdUpdates(CaseUpdates):
    @workflow.update
    async def record_finding(self, data: changes.RecordFindingInput) -> CaseState:
        return household.record_finding(self._case, data)

    @record_finding.validator
    def _validate_finding(self, data: changes.RecordFindingInput) -> None:
        phases.vulnerability.RECORD_FINDING.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def update_traveller(self, data: changes.UpdateTravellerInput) -> CaseState:
        return household.update_traveller(self._case, data)

    @update_traveller.validator
    def _validate_update_traveller(self, data: changes.UpdateTravellerInput) -> None:
        household.check_update(self._case.state, data)

    @workflow.update
    async def add_traveller(self, data: changes.AddTravellerInput) -> CaseState:
        return household.add_traveller(self._case, data)

    @add_traveller.validator
    def _validate_add_traveller(self, data: changes.AddTravellerInput) -> None:
        household.check_add(self._case.state, data)

    @workflow.update
    async def remove_traveller(self, data: changes.RemoveTravellerInput) -> CaseState:
        return household.remove_traveller(self._case, data)

    @remove_traveller.validator
    def _validate_remove_traveller(self, data: changes.RemoveTravellerInput) -> None:
        household.check_remove(self._case.state, data)
