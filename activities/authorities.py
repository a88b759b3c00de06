"""The border guard and the migration office: notified of a planned departure."""

from __future__ import annotations

from typing import Protocol

from temporalio import activity

from activities.simulation import Clock, Simulator, SimulatorConfig
from models.external import Authority, AuthorityNotice, AuthorityNoticeResult


class AuthoritiesClient(Protocol):
    async def notify(self, data: AuthorityNotice) -> AuthorityNoticeResult: ...


class SimulatedAuthorities(Simulator):
    def __init__(self, config: SimulatorConfig | None = None, clock: Clock | None = None) -> None:
        super().__init__(config, clock)
        self.notices: dict[tuple[str, Authority], AuthorityNoticeResult] = {}

    async def notify(self, data: AuthorityNotice) -> AuthorityNoticeResult:
        await self.call(data.authority.value)
        key = (data.case_id, data.authority)
        if key not in self.notices:
            prefix = "BG" if data.authority == Authority.BORDER_GUARD else "MO"
            self.notices[key] = AuthorityNoticeResult(reference=self.reference(prefix))
        return self.notices[key]


class AuthorityActivities:
    def __init__(self, client: AuthoritiesClient) -> None:
        self._client = client

    @activity.defn(name="notify_authority")
    async def notify_authority(self, data: AuthorityNotice) -> AuthorityNoticeResult:
        """Notify one authority of the planned departure; repeated notices are the same notice."""
        return await self._client.notify(data)
