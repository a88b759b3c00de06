"""A user's language: the web interface and the e-mails the user receives speak it.

One nullable column, added in place (no table is rebuilt): a user who has chosen no
language gets pages in the browser's language (Accept-Language) and e-mails in English.

Revision ID: 0029
Revises: 0022
Create Date: 2026-12-04 23:55:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("language", sa.String(length=8), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
