"""A document version made by Homeward itself (the declaration to sign, the grant receipt,
the embassy letter) is marked as generated: it is not the signed paper a project's policy may
require before a decision.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 23:58:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # add_column, not a batch rebuild: the table keeps everything it has.
    op.add_column("document_versions", sa.Column(
        "generated", sa.Boolean(), nullable=False, server_default=sa.false(),
    ))


def downgrade() -> None:
    with op.batch_alter_table("document_versions") as batch_op:
        batch_op.drop_column("generated")
