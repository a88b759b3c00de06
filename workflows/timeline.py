"""The case's timeline as the workflow keeps it: entries queued with a per-case sequence number
(so a replay or retried write never duplicates one) and written in batches by an activity."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from activities.timeline import TimelineActivities
from models.enums import TimelineKind
from models.payloads import Actor, CaseState, RecordTimelineInput, TimelineEntryInput


class CaseTimeline:
    state: CaseState
    dirty: bool

    def record(
        self, kind: TimelineKind, summary: str, actor: Actor | None = None, **details: object
    ) -> str:
        """Queue a timeline entry (written with the next projection); returns its key."""
        s = self.state
        s.timeline_seq += 1
        key = f"{s.case_id}:{s.timeline_seq}"
        s.pending_timeline.append(
            TimelineEntryInput(
                entry_key=key,
                seq=s.timeline_seq,
                at=workflow.now(),
                kind=kind,
                actor_id=actor.id if actor else None,
                actor_role=actor.role if actor else None,
                summary=summary,
                details={k: str(v) for k, v in details.items() if v is not None},
            )
        )
        self.dirty = True
        return key

    def decided(self, actor: Actor | None, summary: str, reason: str | None = None) -> None:
        """A decision: who (id and role), when (workflow time), what, and why."""
        self.record(TimelineKind.DECISION, summary, actor, reason=reason)

    def call_outcome(self, summary: str, **details: object) -> None:
        self.record(TimelineKind.EXTERNAL_CALL, summary, None, **details)

    async def write_timeline(self, retry_policy: RetryPolicy) -> None:
        """One activity call for every entry queued since the last write."""
        s = self.state
        if not s.pending_timeline:
            return
        entries, s.pending_timeline = s.pending_timeline, []
        await workflow.execute_activity_method(
            TimelineActivities.record_timeline,
            RecordTimelineInput(case_id=s.case_id, entries=entries),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=retry_policy,
        )
