"""Notifications to staff (reminders, escalations); an outbox for now, SMTP comes later."""

from __future__ import annotations

from typing import Protocol

from temporalio import activity

from activities.simulation import Clock, Simulator, SimulatorConfig
from models.external import Reminder, ReminderResult


class NotificationsClient(Protocol):
    async def send(self, data: Reminder) -> ReminderResult: ...


class SimulatedNotifications(Simulator):
    def __init__(self, config: SimulatorConfig | None = None, clock: Clock | None = None) -> None:
        super().__init__(config, clock)
        self.outbox: list[Reminder] = []

    async def send(self, data: Reminder) -> ReminderResult:
        await self.call("notifications")
        self.outbox.append(data)
        return ReminderResult(message_id=self.reference("MSG"))


class NotificationActivities:
    def __init__(self, client: NotificationsClient) -> None:
        self._client = client

    @activity.defn(name="send_reminder")
    async def send_reminder(self, data: Reminder) -> ReminderResult:
        """Put a reminder to staff in the outbox."""
        return await self._client.send(data)
