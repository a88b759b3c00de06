"""Alembic environment: the URL comes from the settings, or from a connection passed in."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import models.consent
import models.costs
import models.documents
import models.embassies
import models.exchange
import models.notes
import models.partners
import models.payments
import models.person_changes
import models.privacy
import models.projects
import models.protection
import models.report_data
import models.tables
import models.tasks
import models.timeline
import models.users  # noqa: F401
from core.db import build_engine
from core.settings import get_settings

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = build_engine(get_settings())
    with engine.begin() as conn:
        _run(conn)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
