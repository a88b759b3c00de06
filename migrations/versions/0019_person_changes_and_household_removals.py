"""The history of corrections to a person (who, when, field, old and new value, why), and
household members who left before departure (kept, marked removed).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 21:40:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('person_changes',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('case_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('member_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('old_value', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('new_value', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('changed_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['changed_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['household_member.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('person_changes', schema=None) as batch_op:
        batch_op.create_index('ix_person_changes_case', ['case_id', 'changed_at'], unique=False)
        batch_op.create_index('ix_person_changes_member', ['member_id', 'changed_at'], unique=False)

    with op.batch_alter_table('household_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('removal_reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('household_member', schema=None) as batch_op:
        batch_op.drop_column('removal_reason')
        batch_op.drop_column('removed_at')

    with op.batch_alter_table('person_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_person_changes_member')
        batch_op.drop_index('ix_person_changes_case')

    op.drop_table('person_changes')
