"""Database engine and sessions, SQLite by default, PostgreSQL in production."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, create_engine

from core.settings import Settings

SQLITE_POOL_SIZE = 16


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
