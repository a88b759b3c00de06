"""A case's timeline as people read it, for the JSON API and the case page alike: each entry
names who acted by their name, and user ids in a summary ("assigned to <id>") become names."""

from __future__ import annotations

import re

from sqlmodel import Session, col, select

from models.schemas_timeline import TimelineEntryPublic
from models.timeline import TimelineEntry
from models.users import User

# Users are named by uuid4 ids; the workflow writes them into summaries it cannot name.
USER_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\b")


def read_timeline(session: Session, case_id: str, newest_first: bool = False
                  ) -> list[TimelineEntryPublic]:
    order = col(TimelineEntry.seq).desc() if newest_first else col(TimelineEntry.seq)
    rows = session.exec(
        select(TimelineEntry).where(TimelineEntry.case_id == case_id).order_by(order)
    ).all()
    ids = {r.actor_id for r in rows if r.actor_id}
    for r in rows:
        ids.update(USER_ID.findall(r.summary))
    names = dict(session.exec(
        select(User.id, User.full_name).where(col(User.id).in_(ids))
    ).all()) if ids else {}
    entries = []
    for r in rows:
        entry = TimelineEntryPublic.model_validate(r, from_attributes=True)
        entry.actor_name = names.get(r.actor_id) if r.actor_id else None
        entry.summary = USER_ID.sub(lambda m: names.get(m.group(0), m.group(0)), r.summary)
        entries.append(entry)
    return entries
