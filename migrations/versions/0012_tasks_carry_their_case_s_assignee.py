"""Tasks carry their case's assignee, so that a caseworker's queue is one indexed read
(bench/RESULTS.md: the queue at 100,000 cases).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 23:46:01.971612
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('case_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch_op.create_index('ix_case_tasks_assignee_due', ['assignee_id', 'due_at'], unique=False)
    # Open tasks already projected take their case's assignee.
    op.execute(
        "UPDATE case_tasks SET assignee_id = "
        "(SELECT cases.assignee_id FROM cases WHERE cases.id = case_tasks.case_id)"
    )



def downgrade() -> None:
    with op.batch_alter_table('case_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_case_tasks_assignee_due')
        batch_op.drop_column('assignee_id')

