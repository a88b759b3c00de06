"""Consent by purpose (partner, referral, embassy, installation), per person, given, refused
or withdrawn on a date; unaccompanied minors' handovers at arrival. The consents to refer
recorded before become "given" for the referral purpose.

Revision ID: 0025
Revises: 0022
Create Date: 2026-12-05 00:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0025'
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('purpose_consents',
    sa.Column('id', S(length=36), nullable=False),
    sa.Column('case_id', S(length=36), nullable=False),
    sa.Column('member_id', S(length=36), nullable=False),
    sa.Column('purpose', sa.Enum('partner', 'referral', 'embassy', 'installation',
                                 name='purpose', native_enum=False, length=40), nullable=False),
    sa.Column('status', sa.Enum('given', 'refused', 'withdrawn', name='consentstatus',
                                native_enum=False, length=40), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('given_by', S(length=200), nullable=True),
    sa.Column('document_id', S(length=36), nullable=True),
    sa.Column('recorded_by', S(length=100), nullable=False),
    sa.Column('recorded_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['household_member.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_purpose_consents_case_id', 'purpose_consents', ['case_id'])
    op.create_index('ix_purpose_consents_member_purpose', 'purpose_consents',
                    ['member_id', 'purpose'])

    op.create_table('minor_handovers',
    sa.Column('id', S(length=36), nullable=False),
    sa.Column('case_id', S(length=36), nullable=False),
    sa.Column('member_id', S(length=36), nullable=False),
    sa.Column('handed_over_on', sa.Date(), nullable=False),
    sa.Column('to_kind', sa.Enum('parent', 'guardian', 'care_institution', name='handoverto',
                                 native_enum=False, length=40), nullable=False),
    sa.Column('to_name', S(length=200), nullable=False),
    sa.Column('relationship', S(length=100), nullable=False),
    sa.Column('identity_checked', sa.Boolean(), nullable=False),
    sa.Column('identity_check', S(length=300), nullable=True),
    sa.Column('document_id', S(length=36), nullable=True),
    sa.Column('recorded_by', S(length=100), nullable=False),
    sa.Column('recorded_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['household_member.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_minor_handovers_case_id', 'minor_handovers', ['case_id'])

    # A consent to refer recorded before is the referral purpose's consent, given.
    op.execute(sa.text(
        "INSERT INTO purpose_consents (id, case_id, member_id, purpose, status, \"on\","
        " given_by, document_id, recorded_by, recorded_at)"
        " SELECT id, case_id, member_id, 'referral', 'given', given_on, given_by, document_id,"
        " recorded_by, recorded_at FROM referral_consents"
    ))


def downgrade() -> None:
    op.drop_index('ix_minor_handovers_case_id', table_name='minor_handovers')
    op.drop_table('minor_handovers')
    op.drop_index('ix_purpose_consents_member_purpose', table_name='purpose_consents')
    op.drop_index('ix_purpose_consents_case_id', table_name='purpose_consents')
    op.drop_table('purpose_consents')
