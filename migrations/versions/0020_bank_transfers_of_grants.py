"""Bank transfers of cash grants: the returnee's account per case, payment instructions under
their business key (case id + payment id, unique) and the pain.001 files they went out in.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 21:34:58.787990
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('transfer_exports',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=35), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('transactions', sa.Integer(), nullable=False),
    sa.Column('total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('xml', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_id')
    )
    op.create_table('bank_accounts',
    sa.Column('case_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('iban', sqlmodel.sql.sqltypes.AutoString(length=34), nullable=False),
    sa.Column('bic', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=False),
    sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(length=70), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('case_id')
    )
    op.create_table('payment_instructions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('payment_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('end_to_end_id', sqlmodel.sql.sqltypes.AutoString(length=35), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('export_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('settled_on', sa.Date(), nullable=True),
    sa.Column('bank_reference', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('return_reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['export_id'], ['transfer_exports.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'payment_id', name='uq_instruction_payment'),
    sa.UniqueConstraint('end_to_end_id')
    )
    with op.batch_alter_table('payment_instructions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_instructions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_instructions_export_id'), ['export_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_instructions_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('payment_instructions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_instructions_status'))
        batch_op.drop_index(batch_op.f('ix_payment_instructions_export_id'))
        batch_op.drop_index(batch_op.f('ix_payment_instructions_case_id'))

    op.drop_table('payment_instructions')
    op.drop_table('bank_accounts')
    op.drop_table('transfer_exports')
