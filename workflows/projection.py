"""What the case shows outside its workflow: the projection the lists read (with the timeline
entries queued since the last write) and the search attributes of Temporal's own lists.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from activities.projection import ProjectionActivities
from activities.timeline import TimelineActivities
from core.search_attributes import (
    ASSIGNEE,
    CASE_COUNTRY,
    CASE_PROJECT,
    CASE_STAGE,
    NEXT_DUE,
    WAITING_ON,
)
from models.payloads import (
    DeadlineInfo,
    ProjectCaseInput,
    RecordTimelineInput,
    TaskInfo,
    TimelineEntryInput,
)
from models.reintegration_facts import ReintegrationFacts, facts_of
from workflows import deadlines, partner_choice, patches, rules, tasks, timers
from workflows.run import CaseRun

RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=[],
)
TIMEOUT = timedelta(seconds=30)


class Projection:
    """Writes the running case out; remembers the search attributes this run last upserted."""

    def __init__(self, case: CaseRun) -> None:
        self._case = case
        self._upserted: tuple[object, ...] | None = None
        # The reintegration facts this run last wrote (none yet: a case without a plan or a
        # scored visit never sends any).
        self._facts_written = ReintegrationFacts()

    async def write(self) -> None:
        """Write pending timeline entries and the projection: one activity, one transaction.

        Not a local activity: that one writes before its workflow task is recorded, and a
        worker killed in between leaves rows from a run of the task that never happened (the
        worker-kill fault test found timeline entries with another decision's text).
        Histories recorded before ONE_PROJECTION_WRITE wrote them with two activities
        (timeline first) and replay that way.
        """
        state = self._case.state
        if state.updated_at is None:
            await self._write_timeline()
            return
        if workflow.patched(patches.ONE_PROJECTION_WRITE):
            entries, state.pending_timeline = state.pending_timeline, []
            data = self._projection(entries)
            self._upsert_search_attributes(data.tasks, data.deadlines, only_changed=True)
            write = ProjectionActivities.record_and_project
        else:
            await self._write_timeline()
            data = self._projection([])
            self._upsert_search_attributes(data.tasks, data.deadlines)
            write = ProjectionActivities.project_case
        # (An activity's input may change without a patch: a replay does not compare it.)
        facts = facts_of(state)
        if facts != self._facts_written:
            data.report_facts = facts
        written = await workflow.execute_activity_method(
            write, data, start_to_close_timeout=TIMEOUT, retry_policy=RETRY
        )
        self._flags_written(data)
        if data.report_facts is not None and written.applied:
            self._facts_written = data.report_facts

    def _flags_written(self, data: ProjectCaseInput) -> None:
        """The household's flags reached the database: stop sending them, unless a finding
        taken while the write ran changed them again (the next projection sends those)."""
        if data.household_vulnerabilities is not None and (
            data.household_vulnerabilities == self._household_flags()
        ):
            self._case.state.vulnerabilities_changed = False

    def _household_flags(self) -> dict[str, list[str]]:
        return {m.member_id: [v.value for v in m.vulnerabilities]
                for m in self._case.state.household}

    async def _write_timeline(self) -> None:
        """One activity call for every entry queued since the last write."""
        state = self._case.state
        if not state.pending_timeline:
            return
        entries, state.pending_timeline = state.pending_timeline, []
        await workflow.execute_activity_method(
            TimelineActivities.record_timeline,
            RecordTimelineInput(case_id=state.case_id, entries=entries),
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
        )

    def _projection(self, timeline: list[TimelineEntryInput]) -> ProjectCaseInput:
        """What the lists show of the case, with the timeline entries to write alongside."""
        state = self._case.state
        booking = state.active_booking
        delivered = [
            c.delivered_on for c in (state.plan.components if state.plan else []) if c.delivered_on
        ]
        assert state.updated_at is not None
        return ProjectCaseInput(
            case_id=state.case_id,
            stage=state.stage,
            status=state.status,
            version=state.version,
            updated_at=state.updated_at,
            closure_reason=state.closure_reason,
            departure_date=state.departed_on or (booking.departure_date if booking else None),
            grant_receipt_ref=state.grant.receipt_ref if state.grant else None,
            awaiting=state.awaiting,
            awaiting_caseworker=rules.awaits_caseworker(state),
            partner_id=partner_choice.shown_partner(state),
            arrival_date=state.arrival.confirmed_on,
            reintegration_date=min(delivered) if delivered else None,
            closed_date=state.closed_at.date() if state.closed_at else None,
            assignee_id=state.assignee_id,
            tasks=tasks.open_tasks(state, workflow.now()),
            # Only after a later finding: older runs never set the flag and send None.
            household_vulnerabilities=(
                self._household_flags() if state.vulnerabilities_changed else None
            ),
            deadlines=deadlines.case_deadlines(state),
            timeline=timeline,
        )

    def _upsert_search_attributes(
        self,
        open_tasks: list[TaskInfo],
        case_deadlines: list[DeadlineInfo],
        only_changed: bool = False,
    ) -> None:
        """Stage, waiting-on, next due, assignee, country, project: for Temporal's lists.

        Behind a patch: histories recorded before the attributes existed replay unchanged.
        only_changed (with ONE_PROJECTION_WRITE) skips the upsert, a visibility write on the
        server, when the values are those this run last upserted.
        """
        if not workflow.patched(patches.CASE_SEARCH_ATTRIBUTES):
            return
        state = self._case.state
        dues = [t.due_at for t in open_tasks if t.due_at is not None]
        dues += [d.due_at for d in case_deadlines]
        timer = timers.next_due(state)
        if timer is not None:
            dues.append(timer)
        waiting = tasks.waiting_on(open_tasks)
        next_due = min(dues) if dues else None
        values = (
            state.stage, waiting, next_due, state.assignee_id, state.country_of_origin,
            state.project_id,
        )
        if only_changed and values == self._upserted:
            return
        self._upserted = values
        workflow.upsert_search_attributes([
            CASE_STAGE.value_set(state.stage.value),
            WAITING_ON.value_set(waiting) if waiting else WAITING_ON.value_unset(),
            NEXT_DUE.value_set(next_due) if next_due else NEXT_DUE.value_unset(),
            ASSIGNEE.value_set(state.assignee_id) if state.assignee_id
            else ASSIGNEE.value_unset(),
            CASE_COUNTRY.value_set(state.country_of_origin),
            CASE_PROJECT.value_set(state.project_id) if state.project_id
            else CASE_PROJECT.value_unset(),
        ])
