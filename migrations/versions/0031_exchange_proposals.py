"""A case another Homeward installation proposes before departure (docs/exchange.md, version
2): the receiving side's answer and the travel it was last told, on its own case row.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-05 02:40:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0031'
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('exchange_proposals',
    sa.Column('case_id', S(length=36), nullable=False),
    sa.Column('partner_id', S(length=100), nullable=False),
    sa.Column('conversation_id', S(length=64), nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'declined', name='proposalstatus',
                                native_enum=False, length=40), nullable=False),
    sa.Column('reason', S(length=2000), nullable=True),
    sa.Column('answered_by', S(length=100), nullable=True),
    sa.Column('answered_at', TS, nullable=True),
    sa.Column('travel', sa.JSON(), nullable=True),
    sa.Column('travel_reason', S(length=40), nullable=True),
    sa.Column('packages', sa.Integer(), nullable=False),
    sa.Column('proposed_at', TS, nullable=False),
    sa.Column('updated_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
    sa.PrimaryKeyConstraint('case_id'),
    )
    op.create_index('ix_exchange_proposals_partner_id', 'exchange_proposals', ['partner_id'])


def downgrade() -> None:
    op.drop_index('ix_exchange_proposals_partner_id', table_name='exchange_proposals')
    op.drop_table('exchange_proposals')
