"""Anonymising a long-closed case blanks the values of its people's corrections (a corrected
name is the person's name too); which field changed, who changed it and when stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from activities.retention import RetentionActivities
from core.settings import Settings
from core.storage import build_store
from models.person_changes import PersonChange
from models.privacy import ANONYMISED, RetentionInput
from models.users import User
from tests.workflows.test_retention import add_member, closed_case


def test_anonymisation_blanks_the_corrected_values(
    engine: Engine, users: dict[str, User], settings: Settings
) -> None:
    old, recent = closed_case(engine, 400), closed_case(engine, 10)
    at = datetime.now(UTC) - timedelta(days=500)
    with Session(engine) as session:
        for cid in (old, recent):
            member = add_member(engine, cid, "Zurab")
            session.add(PersonChange(
                id=cid[::-1], case_id=cid, member_id=member, field="family_name",
                old_value="Kvaratshelia", new_value="Kvaratskhelia", reason="passport spelling",
                changed_by="caseworker", changed_at=at))
        session.commit()

    RetentionActivities(engine, build_store(settings)).anonymise_closed_cases(RetentionInput(retention_days=365))

    with Session(engine) as session:
        rows = {c.case_id: c for c in session.exec(select(PersonChange)).all()}
    gone, kept = rows[old], rows[recent]
    assert (gone.old_value, gone.new_value, gone.reason) == (None, None, ANONYMISED)
    assert (gone.field, gone.changed_by) == ("family_name", "caseworker")
    assert (kept.old_value, kept.new_value) == ("Kvaratshelia", "Kvaratskhelia")
