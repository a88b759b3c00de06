"""The supervisors' stuck list: every case that is stuck, with its reasons.

Fast with many cases because each reason starts from a narrow, indexed source:

- a human decision past its SLA, and business deadlines missed or at risk: the projected
  ``case_tasks`` / ``case_deadlines`` rows whose times have passed (compared with ``now`` at
  read time, so nothing has to happen in the workflow for a case to turn stuck); cases are
  ranked on the earliest of those times, which the projection keeps on the case row, and
  only the page's rows are read;
- an activity retrying: only cases the activity interceptor marked in ``activity_retries``
  are described, and the workflow's pending activities give attempt, last error and the
  next attempt (a mark whose activity is no longer pending is stale and dropped);
- the workflow failing: the server's ``TemporalReportedProblems`` search attribute (a
  visibility query), confirmed by describe's pending workflow task attempt.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlmodel import Session, select
from temporalio.client import Client

from api.stuck.found import Filters, Found, page_of
from api.stuck.ranking import ranking_for
from api.stuck.referrals import overdue_referrals
from api.stuck.tables import reasons_of
from api.stuck.temporal import PROBLEMS_FRESH_FOR, describe_all, failing, problem_cases, retrying
from core.db import read_snapshot
from models.enums import StuckReason
from models.schemas_queue import StuckCasePublic
from models.tasks import ActivityRetry

__all__ = ["PROBLEMS_FRESH_FOR", "Filters", "stuck_cases"]


async def stuck_cases(
    session: Session, client: Client, now: datetime, f: Filters,
    offset: int = 0, limit: int | None = None,
) -> tuple[list[StuckCasePublic], int]:
    """The stuck cases matching ``f`` (most severe first, then oldest reason first) from
    ``offset``, at most ``limit`` of them, and how many there are in all.

    The few cases Temporal reports on (an activity retrying, a workflow failing) are built
    in full here; the rest are ranked and counted by the database, and only the page's are
    read in full."""
    now = now.astimezone(UTC)
    marks: list[ActivityRetry] = []
    if f.wants(StuckReason.ACTIVITY_RETRYING) or f.wants(StuckReason.WORKFLOW_FAILING):
        marks = await asyncio.to_thread(
            lambda: list(session.exec(select(ActivityRetry)).all())
        )
    session.close()  # hold no pooled connection while awaiting Temporal
    candidates = {m.case_id for m in marks}
    if f.wants(StuckReason.WORKFLOW_FAILING):
        candidates |= set(await problem_cases(client))
    descriptions = await describe_all(client, sorted(candidates))

    def from_database() -> tuple[list[StuckCasePublic], int]:
        read_snapshot(session)  # the page and the count from one snapshot
        # Cases with a reason only Temporal knows or an overdue referral, and their other reasons.
        live = Found()
        if descriptions:
            if f.wants(StuckReason.ACTIVITY_RETRYING) and marks:
                retrying(session, now, marks, descriptions, f, live)
            if f.wants(StuckReason.WORKFLOW_FAILING):
                failing(session, now, descriptions, f, live)
        if f.wants(StuckReason.REFERRAL_WITHOUT_OUTCOME):
            overdue_referrals(session, now, f, live)
        if live.cases:
            reasons_of(session, now, f, live, list(live.cases))
        end = None if limit is None else offset + limit
        head, count = ranking_for(f)(session, now, f, live.cases.keys(), end)
        count += len(live.cases)
        # The page is among the head of the database's order and Temporal's cases: read
        # those in full (into the same collection) and order them together.
        reasons_of(session, now, f, live, head)
        session.close()
        return page_of(live, offset, limit), count

    return await asyncio.to_thread(from_database)
