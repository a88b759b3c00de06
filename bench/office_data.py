"""The rest of an office's history in the tables: every case's timeline and the partners'
handovers, on top of ``bench.lists.project_directly`` (cases, tasks, deadlines) and
``bench.reports_data.fill_history`` (dates, stages, people, costs, commitments).

Each case's timeline is what its workflow would have appended (``workflows/run.py``): a
``stage: <stage>`` entry for every stage it went through, in the stages' order up to the one
it is in (seven in ten skip the vulnerability stage, as cases with no vulnerability do; a
closed case closes from where it stopped), and between them the decisions, external calls
and reminders that fill a real case's history (about 25 entries per case: issue 25's
installation had 2.55 million for 100,000 cases). A third of the cases in monitoring are
handed over to the demo partner's organisation (``GE-partner``). Core inserts, in batches.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.enums import Stage, TimelineKind
from models.tables import Case
from models.timeline import TimelineEntry

BATCH = 5000
ORDER = [s for s in Stage if s is not Stage.CLOSED]
FILLER = [(TimelineKind.DECISION, "decision recorded"), (TimelineKind.EXTERNAL_CALL, "call made"),
          (TimelineKind.REMINDER, "reminder sent"), (TimelineKind.NOTE, "note added")]
PARTNER_ORG = "GE-partner"


def _stages(rng: random.Random, stage: Stage) -> list[Stage]:
    """The stages a case now in ``stage`` went through, in order."""
    if stage is Stage.CLOSED:
        last = rng.choice([Stage.INTAKE, Stage.ELIGIBILITY, Stage.CONSENT, Stage.MONITORING,
                           Stage.CLOSURE])
        return [*_stages(rng, last), Stage.CLOSED]
    went = ORDER[:ORDER.index(stage) + 1]
    if stage is not Stage.VULNERABILITY and rng.random() < 0.7:
        went = [s for s in went if s is not Stage.VULNERABILITY]
    return went


def fill_timeline(engine: Engine, project_id: str, per_case: int = 25, seed: int = 30) -> int:
    """Append every case's history to the timeline; the number of entries written."""
    rng = random.Random(seed)
    written = 0
    with Session(engine) as session:
        cases = session.exec(select(Case.id, Case.stage, Case.created_at)
                             .where(Case.project_id == project_id)).all()
        rows: list[dict[str, Any]] = []
        for case_id, stage, created in cases:
            at = created if created.tzinfo else created.replace(tzinfo=UTC)
            went = _stages(rng, Stage(stage))
            fillers = max(per_case - len(went), 0)
            seq = 0
            for i, reached in enumerate(went):
                seq += 1
                rows.append({"case_id": case_id, "seq": seq, "entry_key": f"{case_id}:{seq}",
                             "at": at, "kind": TimelineKind.STAGE_CHANGE,
                             "summary": f"stage: {reached}", "details": {}})
                for _ in range(fillers // len(went) + (1 if i < fillers % len(went) else 0)):
                    seq += 1
                    at += timedelta(hours=rng.randint(1, 72))
                    kind, summary = rng.choice(FILLER)
                    rows.append({"case_id": case_id, "seq": seq, "entry_key": f"{case_id}:{seq}",
                                 "at": at, "kind": kind, "summary": summary,
                                 "actor_role": "caseworker", "details": {}})
            if len(rows) >= BATCH * 20:
                session.execute(sa.insert(TimelineEntry), rows)
                written += len(rows)
                rows = []
        if rows:
            session.execute(sa.insert(TimelineEntry), rows)
            written += len(rows)
        session.commit()
    return written


def hand_over(engine: Engine, project_id: str, every: int = 3) -> int:
    """Hand one in ``every`` case in monitoring over to the demo partner's organisation."""
    with Session(engine) as session:
        ids = session.exec(select(Case.id).where(Case.project_id == project_id)
                           .where(Case.stage == Stage.MONITORING).order_by(Case.id)).all()
        chosen = ids[::every]
        t = Case.__table__.c  # type: ignore[attr-defined]
        for first in range(0, len(chosen), BATCH):
            session.execute(sa.update(Case.__table__).where(  # type: ignore[attr-defined]
                t.id.in_(chosen[first:first + BATCH])).values(
                    partner_id=PARTNER_ORG, updated_at=datetime.now(UTC)))
        session.commit()
    return len(chosen)
