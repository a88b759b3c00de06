"""The dashboard's stage funnel (how many cases ever reached each stage), counted once per
process and kept up to date from the timeline's new entries.

Why a cache, and why this one: the funnel is a count of distinct (case, stage) pairs over the
timeline's stage changes, which nothing else keeps (a case row knows its current stage, not
the ones it skipped), and at 100,000 cases the timeline holds 2.5 million entries: counted on
every view it took 1.3-4 s, with a covering index still ~130 ms. The timeline is append-only
(database triggers refuse updates and deletes), so the funnel changes only when an entry is
appended: the cache keeps the counts up to the highest entry id it has read (the watermark)
and, on every view, reads the stage changes above it (a primary-key range: the few appended
since the last view), counting a pair only when the case had no counted entry of that stage
yet. The invalidation rule is therefore "a new entry", checked on every view; nothing goes
stale for a time.

SQLite writes one transaction at a time, so ids are committed in order and the watermark is
exact. PostgreSQL hands out ids before commit, so an entry may commit after a higher id was
read: the cache re-reads the last ``WINDOW`` ids below the watermark on every view and keeps
the ids it counted there (a transaction would have to stay open while ``WINDOW`` later
entries commit to be missed). A database rebuilt under the same URL (tests) is noticed by the
watermark's entry key and counted afresh. Each API process keeps its own cache.

Need to know: the cache counts every case; a viewer's figures are those minus the entries of
the restricted cases hidden from them (a small set, read by case id).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, func, select

from models.enums import TimelineKind
from models.timeline import TimelineEntry

WINDOW = 1000  # ids re-read below the watermark (PostgreSQL's late commits)

# Entries by id range or by case, their kind checked here: with the kind in the WHERE clause
# SQLite (no statistics) walked the kind index's 700,000 stage changes instead.
ENTRIES = select(TimelineEntry.id, TimelineEntry.case_id, TimelineEntry.kind, TimelineEntry.summary)


@dataclass
class _Counts:
    watermark: int = 0
    key: str | None = None  # the watermark entry's entry_key
    reached: Counter[str] = field(default_factory=Counter)  # summary -> cases
    recent: set[int] = field(default_factory=set)  # stage-change ids counted above the floor

    @property
    def floor(self) -> int:
        return self.watermark - WINDOW


_lock = threading.Lock()
_caches: dict[str, _Counts] = {}


def _key_of(session: Session, entry_id: int) -> str | None:
    return session.exec(select(TimelineEntry.entry_key).where(TimelineEntry.id == entry_id)).first()


def _count_all(session: Session) -> _Counts:
    """The counts up to the current highest id: one GROUP BY over the stage changes."""
    top = session.exec(select(func.max(TimelineEntry.id))).one() or 0
    rows = session.exec(
        select(TimelineEntry.summary, func.count(func.distinct(TimelineEntry.case_id)))
        .where(TimelineEntry.kind == TimelineKind.STAGE_CHANGE)
        .where(col(TimelineEntry.id) <= top)
        .group_by(TimelineEntry.summary)
    ).all()
    counts = _Counts(watermark=top, key=_key_of(session, top) if top else None,
                     reached=Counter(dict(rows)))
    counts.recent = set(session.exec(
        select(TimelineEntry.id).where(TimelineEntry.kind == TimelineKind.STAGE_CHANGE)
        .where(col(TimelineEntry.id) > counts.floor, col(TimelineEntry.id) <= top)
    ).all())
    return counts


def _catch_up(session: Session, counts: _Counts) -> None:
    """Count the stage changes appended since (and those committed late below) the watermark."""
    rows = session.exec(ENTRIES.where(col(TimelineEntry.id) > counts.floor)
                        .order_by(col(TimelineEntry.id))).all()
    for entry_id, case_id, kind, summary in rows:
        if kind != TimelineKind.STAGE_CHANGE or entry_id in counts.recent:
            continue
        earlier = [e for e, _, k, s in session.exec(
            ENTRIES.where(TimelineEntry.case_id == case_id)).all()
            if k == TimelineKind.STAGE_CHANGE and s == summary and e != entry_id]
        if not any(e <= counts.floor or e in counts.recent for e in earlier):
            counts.reached[summary] += 1
        counts.recent.add(entry_id)
    if rows:
        top = max(counts.watermark, rows[-1][0])
        if top != counts.watermark:
            counts.watermark, counts.key = top, _key_of(session, top)
        counts.recent = {i for i in counts.recent if i > counts.floor}


def reached_counts(session: Session, hidden: Any | None = None) -> dict[str, int]:
    """How many cases have a ``stage: <stage>`` entry, by summary; ``hidden``: the ids of the
    cases to leave out (need_to_know.hidden_cases), None: none."""
    url = str(session.get_bind().url)
    with _lock:
        counts = _caches.get(url)
        if counts is None or (counts.watermark and _key_of(session, counts.watermark) != counts.key):
            counts = _caches[url] = _count_all(session)
        else:
            _catch_up(session, counts)
        reached, watermark = dict(counts.reached), counts.watermark
    hidden_ids = list(session.exec(hidden).all()) if hidden is not None else []
    if hidden_ids:
        pairs = {(case_id, summary) for entry_id, case_id, kind, summary in session.exec(
            ENTRIES.where(col(TimelineEntry.case_id).in_(hidden_ids))).all()
            if kind == TimelineKind.STAGE_CHANGE and entry_id <= watermark}
        for summary, n in Counter(summary for _, summary in pairs).items():
            reached[summary] = max(reached.get(summary, 0) - n, 0)
    return reached


def forget() -> None:
    """Drop every cached count (tests that rebuild a database in place)."""
    with _lock:
        _caches.clear()
