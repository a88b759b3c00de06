"""The running case: its state, the timeline entries it queues, and how a change is recorded.

``ReturnCaseWorkflow`` owns one ``CaseRun`` and hands it to its collaborators (``effects``,
``timers``, ``projection`` and the decision modules). Nothing here calls an activity; all of
it runs inside the workflow (``workflow.now()``, never the system clock).
"""

from __future__ import annotations

from datetime import date

from temporalio import workflow

from models.enums import CaseStatus, ClosureReason, Stage, TimelineKind
from models.payloads import Actor, CaseState, StageChange, TimelineEntryInput
from workflows import aftercare, rules, tasks
from workflows.refusals import refusal


class CaseRun:
    def __init__(self, state: CaseState, *, new: bool) -> None:
        self.state = state
        self.dirty = new  # state changed since the last projection
        self.done = False  # the run should end once its handlers finish

    def today(self) -> date:
        return workflow.now().date()

    def record(
        self, kind: TimelineKind, summary: str, actor: Actor | None = None, **details: object
    ) -> str:
        """Queue a timeline entry (written with the next projection); returns its key.

        The per-case sequence number in the key keeps a replayed or retried write from
        adding an entry twice."""
        state = self.state
        state.timeline_seq += 1
        key = f"{state.case_id}:{state.timeline_seq}"
        state.pending_timeline.append(
            TimelineEntryInput(
                entry_key=key,
                seq=state.timeline_seq,
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

    def require_consent(self) -> None:
        consent = self.state.consent
        if consent is None or not consent.share_with_authorities:
            # Nothing leaves for an external party before consent; a guard, not a decision.
            raise refusal("no_consent_authorities")

    def touch(self) -> None:
        """After every change: what is derived from the state follows it, and the run loop
        projects it."""
        state, now = self.state, workflow.now()
        state.version += 1
        state.updated_at = now
        state.warnings = rules.warnings(state, self.today()) + aftercare.warnings(state, now)
        tasks.track(state, now)
        state.awaiting = tasks.awaiting(state)
        self.dirty = True

    def change_stage(self, stage: Stage) -> None:
        self.state.stage = stage
        self.state.stage_history.append(StageChange(stage=stage, at=workflow.now()))
        self.record(TimelineKind.STAGE_CHANGE, f"stage: {stage}")
        self.touch()

    def close(self, reason: ClosureReason, note: str) -> None:
        """Close the case: it accepts no further decisions and its run ends."""
        state = self.state
        state.closure_reason, state.closure_note = reason, note
        state.status = CaseStatus.CLOSED
        state.closed_at = workflow.now()
        state.closure_proposal = None
        self.change_stage(Stage.CLOSED)
        self.done = True
