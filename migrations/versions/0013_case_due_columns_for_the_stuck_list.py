"""Cases carry their earliest human task due, deadline due and at-risk time, so that the
stuck list ranks on indexed columns (bench/RESULTS.md: the stuck list at 100,000 cases).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 02:20:00.969074
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_task_due', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('first_deadline_due', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('first_risk_from', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_cases_first_deadline_due', ['first_deadline_due', 'id'], unique=False)
        batch_op.create_index('ix_cases_first_risk_from', ['first_risk_from', 'id', 'first_deadline_due', 'first_task_due'], unique=False)
        batch_op.create_index('ix_cases_first_task_due', ['first_task_due', 'id', 'first_deadline_due'], unique=False)
    # From the rows already projected (the roles a person fills: workflows/tasks.HUMAN_ROLES).
    op.execute(
        "UPDATE cases SET "
        "first_task_due = (SELECT MIN(t.due_at) FROM case_tasks t WHERE t.case_id = cases.id "
        "AND t.role IN ('caseworker', 'supervisor', 'partner')), "
        "first_deadline_due = (SELECT MIN(d.due_at) FROM case_deadlines d "
        "WHERE d.case_id = cases.id), "
        "first_risk_from = (SELECT MIN(d.at_risk_from) FROM case_deadlines d "
        "WHERE d.case_id = cases.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_first_task_due')
        batch_op.drop_index('ix_cases_first_risk_from')
        batch_op.drop_index('ix_cases_first_deadline_due')
        batch_op.drop_column('first_risk_from')
        batch_op.drop_column('first_deadline_due')
        batch_op.drop_column('first_task_due')
