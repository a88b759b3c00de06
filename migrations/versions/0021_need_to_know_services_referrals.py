"""Need-to-know access (a restricted flag and a sensitive reason on each case, grants of
access), the service directory, referral consents and referrals; cases that already hold a
trafficking victim or an unaccompanied minor are restricted here.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 21:40:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy of the cases table, which other tables reference).
    op.add_column('cases', sa.Column('restricted', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.add_column('cases', sa.Column('sensitive_reason', S(length=500), nullable=True))
    op.create_index('ix_cases_restricted', 'cases', ['restricted'], unique=False)

    op.create_table('case_access',
    sa.Column('id', S(length=36), nullable=False),
    sa.Column('case_id', S(length=36), nullable=False),
    sa.Column('user_id', S(length=36), nullable=False),
    sa.Column('granted_by', S(length=100), nullable=False),
    sa.Column('reason', S(length=500), nullable=True),
    sa.Column('break_glass', sa.Boolean(), nullable=False),
    sa.Column('granted_at', TS, nullable=False),
    sa.Column('expires_at', TS, nullable=True),
    sa.Column('revoked_at', TS, nullable=True),
    sa.Column('revoked_by', S(length=100), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_access', schema=None) as batch_op:
        batch_op.create_index('ix_case_access_case_id', ['case_id'], unique=False)
        batch_op.create_index('ix_case_access_user_case', ['user_id', 'case_id'], unique=False)

    op.create_table('service_providers',
    sa.Column('id', S(length=36), nullable=False),
    sa.Column('name', S(length=200), nullable=False),
    sa.Column('country', S(length=2), nullable=False),
    sa.Column('kind', sa.Enum('counter_trafficking', 'hotline', 'child_protection', 'medical',
                              'psychosocial', 'legal_aid', 'shelter', name='servicekind',
                              native_enum=False, length=40), nullable=False),
    sa.Column('email', S(length=254), nullable=True),
    sa.Column('phone', S(length=50), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', TS, nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('service_providers', schema=None) as batch_op:
        batch_op.create_index('ix_service_providers_country_kind', ['country', 'kind'],
                              unique=False)

    op.create_table('referral_consents',
    sa.Column('id', S(length=36), nullable=False),
    sa.Column('case_id', S(length=36), nullable=False),
    sa.Column('member_id', S(length=36), nullable=False),
    sa.Column('given_by', S(length=200), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('document_id', S(length=36), nullable=True),
    sa.Column('recorded_by', S(length=100), nullable=False),
    sa.Column('recorded_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['household_member.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('referral_consents', schema=None) as batch_op:
        batch_op.create_index('ix_referral_consents_case_id', ['case_id'], unique=False)

    op.create_table('referrals',
    sa.Column('id', S(length=36), nullable=False),
    sa.Column('case_id', S(length=36), nullable=False),
    sa.Column('member_id', S(length=36), nullable=False),
    sa.Column('provider_id', S(length=36), nullable=False),
    sa.Column('consent_id', S(length=36), nullable=False),
    sa.Column('reason', S(length=1000), nullable=False),
    sa.Column('channel', sa.Enum('email', 'phone', 'in_person', name='referralchannel',
                                 native_enum=False, length=40), nullable=False),
    sa.Column('after_return', sa.Boolean(), nullable=False),
    sa.Column('made_by', S(length=100), nullable=False),
    sa.Column('made_by_role', S(length=40), nullable=False),
    sa.Column('sent_at', TS, nullable=False),
    sa.Column('message_id', S(length=250), nullable=True),
    sa.Column('answer', S(length=1000), nullable=True),
    sa.Column('outcome', sa.Enum('accepted', 'declined', 'service_given', name='referraloutcome',
                                 native_enum=False, length=40), nullable=True),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('outcome_by', S(length=100), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['consent_id'], ['referral_consents.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['household_member.id'], ),
    sa.ForeignKeyConstraint(['provider_id'], ['service_providers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_case_id', ['case_id'], unique=False)
        batch_op.create_index('ix_referrals_outcome_sent', ['outcome', 'sent_at'], unique=False)

    # Cases recorded before this revision that hold a protected person.
    op.execute(sa.text(
        "UPDATE cases SET restricted = true WHERE id IN (SELECT case_id FROM household_member"
        " WHERE " + " OR ".join(
            f"CAST(vulnerabilities AS VARCHAR) LIKE '%\"{v}\"%'"
            for v in ("trafficking_victim", "unaccompanied_minor")
        ) + ")"
    ))


def downgrade() -> None:
    op.drop_table('referrals')
    op.drop_table('referral_consents')
    op.drop_table('service_providers')
    op.drop_table('case_access')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_restricted')
        batch_op.drop_column('sensitive_reason')
        batch_op.drop_column('restricted')
