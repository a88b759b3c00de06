"""Database engine and sessions, SQLite by default, PostgreSQL in production."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, create_engine

from core.settings import Settings

SQLITE_POOL_SIZE = 16

Row = TypeVar("Row")


def build_engine(settings: Settings) -> Engine:
    url = settings.database_url
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Pooled: opening an SQLite connection and reading its schema costs ~1 ms, five
        # times the lookup a request makes with it. The overflow is unbounded, so a burst of
        # requests never waits for a connection, and at most SQLITE_POOL_SIZE stay open.
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=QueuePool,
            pool_size=SQLITE_POOL_SIZE,
            max_overflow=-1,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        # WAL (the API reads while the worker's activities write) is stored in the database
        # file itself: set once here, not on every connection.
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    # These two hold per connection.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def read_snapshot(session: Session) -> None:
    """The session's next reads, until it commits or closes, see one snapshot of the
    database: a list's page and its count, read by separate statements, agree even while
    projections write. Call before the first read of the session's transaction."""
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        # pysqlite opens no transaction for a SELECT, so each would see the latest commit;
        # in WAL mode a BEGIN makes them share the snapshot of the first one.
        session.connection().exec_driver_sql("BEGIN")
    else:
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def saved(session: Session, row: Row) -> Row:
    """Store one new or changed row and give it back as the database now holds it (ids
    and defaults filled in)."""
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


@contextmanager
def write_transaction(session: Session) -> Iterator[Session]:
    """Open the session's transaction as a writer, before its first statement; the caller
    commits inside the block (an exception rolls it back).

    On an SQLite file the writers of every process queue on a lock file beside the database
    and the kernel wakes the next one the moment the lock is released. Left to SQLite, a
    writer that meets the write lock retries after sleeping 1, 2, 5, 10, 15... ms: a decision's
    audit row meeting the worker's 1-3 ms projection of the same decision waited 4-9 ms.
    ``BEGIN IMMEDIATE`` then takes SQLite's write lock up front, so a transaction that reads
    before it writes is never refused half-way. On PostgreSQL this does nothing: its writers
    lock rows, not the database."""
    bind = session.get_bind()
    database = bind.url.database if bind.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield session
        return
    fd = os.open(f"{database}.writelock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        conn = session.connection()
        if not conn.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
    finally:
        os.close(fd)  # releases the lock (as the end of the process would)
