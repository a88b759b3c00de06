"""The exchange between two Homeward installations: a partner's kind, the link between a
local case and the other installation's, the outbox and the inbox (docs/exchange.md).

Revision ID: 0028
Revises: 0022
Create Date: 2026-12-04 23:55:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0028'
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
TS = sa.DateTime(timezone=True)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=40)


MESSAGE_TYPES = ('case.handover', 'case.accepted', 'case.arrived', 'arrival.assistance',
                 'plan.proposed', 'plan.delivered', 'monitoring.reported')


def upgrade() -> None:
    op.add_column('partners', sa.Column('kind', _enum('partnerkind', 'webhook', 'homeward'),
                                        nullable=False, server_default='webhook'))
    op.create_table('exchange_links',
    sa.Column('case_id', S(length=36), nullable=False),
    sa.Column('partner_id', S(length=100), nullable=False),
    sa.Column('conversation_id', S(length=64), nullable=False),
    sa.Column('direction', _enum('direction', 'sent', 'received'), nullable=False),
    sa.Column('next_sequence', sa.Integer(), nullable=False),
    sa.Column('consent', sa.JSON(), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.PrimaryKeyConstraint('case_id'),
    sa.UniqueConstraint('partner_id', 'conversation_id'),
    )
    op.create_table('exchange_outbox',
    sa.Column('message_id', S(length=64), nullable=False),
    sa.Column('partner_id', S(length=100), nullable=False),
    sa.Column('case_id', S(length=36), nullable=False),
    sa.Column('type', _enum('messagetype', *MESSAGE_TYPES), nullable=False),
    sa.Column('envelope', sa.JSON(), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.Column('delivered_at', TS, nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', S(length=500), nullable=True),
    sa.Column('failed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('message_id'),
    )
    op.create_index('ix_exchange_outbox_partner_id', 'exchange_outbox', ['partner_id'])
    op.create_index('ix_exchange_outbox_case_id', 'exchange_outbox', ['case_id'])
    op.create_table('exchange_inbox',
    sa.Column('message_id', S(length=64), nullable=False),
    sa.Column('partner_id', S(length=100), nullable=False),
    sa.Column('conversation_id', S(length=64), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('type', _enum('messagetype', *MESSAGE_TYPES), nullable=False),
    sa.Column('case_id', S(length=36), nullable=True),
    sa.Column('received_at', TS, nullable=False),
    sa.PrimaryKeyConstraint('message_id'),
    sa.UniqueConstraint('partner_id', 'conversation_id', 'sequence'),
    )


def downgrade() -> None:
    op.drop_table('exchange_inbox')
    op.drop_index('ix_exchange_outbox_case_id', table_name='exchange_outbox')
    op.drop_index('ix_exchange_outbox_partner_id', table_name='exchange_outbox')
    op.drop_table('exchange_outbox')
    op.drop_table('exchange_links')
    with op.batch_alter_table('partners') as batch_op:
        batch_op.drop_column('kind')
