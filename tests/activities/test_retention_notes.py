"""Anonymising a long-closed case blanks its notes' text (author and time stay) and its
people's search keys, so an anonymised person is found by no search; its needs assessment
and the packages recorded for its partner go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from activities.retention import RetentionActivities
from api.case_list import CaseFilters, list_cases
from core.settings import Settings
from core.storage import build_store
from models.notes import CaseNote
from models.partners import NeedsAssessment, PartnerDelivery
from models.privacy import ANONYMISED, RetentionInput
from models.tables import HouseholdMember
from models.users import User
from tests.workflows.test_retention import add_member, closed_case


def test_anonymisation_blanks_the_notes_and_the_search_keys(
    engine: Engine, users: dict[str, User], settings: Settings
) -> None:
    old, recent = closed_case(engine, 400), closed_case(engine, 10)
    members = {cid: add_member(engine, cid, "Zurab") for cid in (old, recent)}
    written = datetime.now(UTC) - timedelta(days=500)
    with Session(engine) as session:
        for cid in (old, recent):
            session.add(CaseNote(id=cid[::-1], case_id=cid, author_id="caseworker",
                                 text="lives with his cousin in Riga", created_at=written))
            session.add(NeedsAssessment(case_id=cid, health="diabetic", recorded_by="caseworker"))
            session.add(PartnerDelivery(key=f"{cid}:pre-arrival:1", case_id=cid, partner_id="GE",
                                        kind="pre_arrival", package={"household": ["Zurab"]}))
        session.commit()
    with Session(engine) as session:
        assert {c.id for c in list_cases(session, CaseFilters(person="Zurab"), 0, 10)[0]} == {
            old, recent}

    done = RetentionActivities(engine, build_store(settings)).anonymise_closed_cases(RetentionInput(retention_days=365))
    assert done.case_ids == [old]

    with Session(engine) as session:
        notes = {n.case_id: n for n in session.exec(select(CaseNote)).all()}
        assert notes[old].text == ANONYMISED
        assert (notes[old].author_id, notes[old].created_at.date()) == ("caseworker", written.date())
        assert notes[recent].text == "lives with his cousin in Riga"
        # The needs assessment and what a partner's page was sent go with the names.
        assert {n.case_id for n in session.exec(select(NeedsAssessment)).all()} == {recent}
        assert {d.case_id for d in session.exec(select(PartnerDelivery)).all()} == {recent}
        m = session.get(HouseholdMember, members[old])
        assert m is not None and (m.family_key, m.given_key, m.document_key) == (None, None, None)
        found, _ = list_cases(session, CaseFilters(person="Zurab Kvaratskhelia"), 0, 10)
        assert [c.id for c in found] == [recent]
        assert list_cases(session, CaseFilters(person="anonymised"), 0, 10)[1] == 0
