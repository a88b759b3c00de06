"""A list's page and its count come from one snapshot while projections commit meanwhile."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from core.db import read_snapshot
from models.tables import Case
from tests.factories import insert_case


def test_reads_after_read_snapshot_do_not_see_a_later_commit(engine: Engine) -> None:
    insert_case(engine)
    with Session(engine) as reader:
        read_snapshot(reader)
        before = reader.exec(select(func.count()).select_from(Case)).one()
        insert_case(engine)  # another connection commits a new case meanwhile
        assert reader.exec(select(func.count()).select_from(Case)).one() == before
    with Session(engine) as fresh:
        assert fresh.exec(select(func.count()).select_from(Case)).one() == before + 1
