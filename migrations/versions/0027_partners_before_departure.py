"""Reintegration partners chosen before departure: the regions a partner covers, the needs
assessment made with the returnee, and the packages recorded for partners working on
Homeward's own partner page (HOMEWARD_PARTNERS=portal).

Revision ID: 0027
Revises: 0022
Create Date: 2026-12-05 00:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0027'
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column('partners', sa.Column('regions', S(length=1000), nullable=False,
                                        server_default=''))
    op.create_table('needs_assessments',
    sa.Column('case_id', S(length=36), nullable=False),
    sa.Column('wants_to_do', S(length=2000), nullable=False),
    sa.Column('skills', S(length=2000), nullable=False),
    sa.Column('health', S(length=2000), nullable=False),
    sa.Column('housing', S(length=2000), nullable=False),
    sa.Column('recorded_by', S(length=100), nullable=False),
    sa.Column('recorded_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('case_id')
    )
    op.create_table('partner_deliveries',
    sa.Column('key', S(length=200), nullable=False),
    sa.Column('case_id', S(length=36), nullable=False),
    sa.Column('partner_id', S(length=100), nullable=False),
    sa.Column('kind', S(length=20), nullable=False),
    sa.Column('package', sa.JSON(), nullable=False),
    sa.Column('delivered_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_index('ix_partner_deliveries_case_id', 'partner_deliveries', ['case_id'])
    op.create_index('ix_partner_deliveries_partner_id', 'partner_deliveries', ['partner_id'])


def downgrade() -> None:
    op.drop_index('ix_partner_deliveries_partner_id', table_name='partner_deliveries')
    op.drop_index('ix_partner_deliveries_case_id', table_name='partner_deliveries')
    op.drop_table('partner_deliveries')
    op.drop_table('needs_assessments')
    with op.batch_alter_table('partners') as batch_op:
        batch_op.drop_column('regions')
