"""The travel desk's updates (HOMEWARD_BOOKING=desk): it records a booking, a change or a
cancellation, and the case waits for them (why updates: activities/booking_desk.py)."""

from __future__ import annotations

from temporalio import workflow

import models.desk as desk_inputs
import workflows.desk as desk  # noqa: PLR0402
import workflows.phases as phases  # noqa: PLR0402
from models.payloads import CaseState
from workflows.case_updates import CaseUpdates


class DeskUpdates(CaseUpdates):
    @workflow.update
    async def record_desk_booking(self, data: desk_inputs.RecordDeskBookingInput) -> CaseState:
        async with self._lock:
            self._validate_desk_booking(data)  # again: the price is booked first
            return await desk.record_booking(self._case, data)

    @record_desk_booking.validator
    def _validate_desk_booking(self, data: desk_inputs.RecordDeskBookingInput) -> None:
        phases.travel_desk.RECORD_DESK_BOOKING.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def change_desk_booking(self, data: desk_inputs.ChangeDeskBookingInput) -> CaseState:
        return desk.change_booking(self._case, data)

    @change_desk_booking.validator
    def _validate_desk_change(self, data: desk_inputs.ChangeDeskBookingInput) -> None:
        phases.travel_desk.CHANGE_DESK_BOOKING.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def cancel_desk_booking(self, data: desk_inputs.CancelDeskBookingInput) -> CaseState:
        return desk.cancel_booking(self._case, data)

    @cancel_desk_booking.validator
    def _validate_desk_cancel(self, data: desk_inputs.CancelDeskBookingInput) -> None:
        phases.travel_desk.CANCEL_DESK_BOOKING.validate(self._case.state, data, self._case.today())
