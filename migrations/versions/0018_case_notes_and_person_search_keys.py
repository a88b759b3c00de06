"""Case notes, and search keys on household members (folded names, document number) with
the indexes that find a person across cases; existing members get their keys here.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 21:20:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.name_keys import document_key, name_key

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('case_notes',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('case_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('author_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('restricted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index('ix_case_notes_case_created', ['case_id', 'created_at'], unique=False)

    with op.batch_alter_table('household_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('family_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('given_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('document_key', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True))
        batch_op.create_index('ix_household_member_date_of_birth', ['date_of_birth'], unique=False)
        batch_op.create_index('ix_household_member_document_key', ['document_key'], unique=False)
        batch_op.create_index('ix_household_member_family_key', ['family_key', 'given_key'], unique=False)
        batch_op.create_index('ix_household_member_given_key', ['given_key'], unique=False)

    # The keys of the people already recorded, with the application's own folding.
    member = sa.table(
        'household_member', sa.column('id'), sa.column('given_name'), sa.column('family_name'),
        sa.column('passport_number'), sa.column('family_key'), sa.column('given_key'),
        sa.column('document_key'),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(
        member.c.id, member.c.given_name, member.c.family_name, member.c.passport_number
    )).all()
    for row in rows:
        bind.execute(member.update().where(member.c.id == row.id).values(
            family_key=name_key(row.family_name), given_key=name_key(row.given_name),
            document_key=document_key(row.passport_number),
        ))


def downgrade() -> None:
    with op.batch_alter_table('household_member', schema=None) as batch_op:
        batch_op.drop_index('ix_household_member_given_key')
        batch_op.drop_index('ix_household_member_family_key')
        batch_op.drop_index('ix_household_member_document_key')
        batch_op.drop_index('ix_household_member_date_of_birth')
        batch_op.drop_column('document_key')
        batch_op.drop_column('given_key')
        batch_op.drop_column('family_key')

    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_case_notes_case_created')

    op.drop_table('case_notes')
