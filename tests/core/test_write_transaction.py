"""Writers that read before they write are neither refused nor lost while others write."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.db import write_transaction
from models.tables import ReferenceCounter


def _counter(engine: Engine) -> int:
    with Session(engine) as session:
        row = session.get(ReferenceCounter, ("TST", 2026))
        return row.last if row is not None else 0


def _seed(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(ReferenceCounter(office="TST", year=2026, last=0))
        session.commit()


def test_concurrent_read_then_write_transactions_all_commit_and_none_is_lost(
    engine: Engine,
) -> None:
    """On SQLite a transaction that reads first and writes later is refused ("database is
    locked") when another writer commits in between; a write transaction is not."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL writers lock rows: SELECT ... FOR UPDATE is theirs")
    _seed(engine)

    def bump(_: int) -> None:
        with Session(engine) as session, write_transaction(session):
            row = session.exec(select(ReferenceCounter)).one()
            time.sleep(0.002)  # others try to write meanwhile
            row.last += 1
            session.add(row)
            session.commit()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(bump, range(40)))
    assert _counter(engine) == 40


def test_a_second_writer_waits_for_the_first_to_commit(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL writers of different rows do not wait for each other")
    _seed(engine)
    second_done = threading.Event()
    seen_by_second: list[int] = []

    def second() -> None:
        with Session(engine) as session, write_transaction(session):
            seen_by_second.append(session.exec(select(ReferenceCounter)).one().last)
            session.commit()
        second_done.set()

    with Session(engine) as first, write_transaction(first):
        row = first.exec(select(ReferenceCounter)).one()
        row.last = 7
        first.add(row)
        first.flush()
        thread = threading.Thread(target=second)
        thread.start()
        assert not second_done.wait(0.3), "the second writer went ahead of an open write"
        first.commit()
    thread.join(10)
    assert second_done.is_set()
    assert seen_by_second == [7]  # it read what the first committed


def test_a_failed_write_leaves_nothing_and_does_not_hold_up_the_next(engine: Engine) -> None:
    _seed(engine)
    with (
        pytest.raises(RuntimeError, match="refused"),
        Session(engine) as session,
        write_transaction(session),
    ):
        row = session.exec(select(ReferenceCounter)).one()
        row.last = 99
        session.add(row)
        session.flush()
        raise RuntimeError("refused half-way")
    assert _counter(engine) == 0

    done = threading.Event()

    def next_writer() -> None:
        with Session(engine) as session, write_transaction(session):
            row = session.exec(select(ReferenceCounter)).one()
            row.last = 1
            session.add(row)
            session.commit()
        done.set()

    thread = threading.Thread(target=next_writer)
    thread.start()
    thread.join(10)
    assert done.is_set(), "the next writer is still waiting for the failed one's lock"
    assert _counter(engine) == 1
