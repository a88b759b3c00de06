"""The case list filtered by stage, status or project reads its page in index order:
(column, created_at, id) replaces the single-column indexes (bench/RESULTS.md, 100,000 cases).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24 02:31:38.584857
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_project_id'))
        batch_op.drop_index(batch_op.f('ix_cases_stage'))
        batch_op.drop_index(batch_op.f('ix_cases_status'))
        batch_op.create_index('ix_cases_project_created', ['project_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_cases_stage_created', ['stage', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_cases_status_created', ['status', 'created_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_status_created')
        batch_op.drop_index('ix_cases_stage_created')
        batch_op.drop_index('ix_cases_project_created')
        batch_op.create_index(batch_op.f('ix_cases_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_stage'), ['stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_project_id'), ['project_id'], unique=False)
