"""Targets on any reported figure with a breakdown, outreach without a case, and the
reintegration facts reports count (plan components with their level, monitoring scores).

The projects' named targets (a JSON column) are copied into ``project_targets`` as whole-figure
targets; the column stays as the projects API's mirror of those. New tables only: nothing is
rebuilt (the budget-totals triggers of 0022 stay in place).

Revision ID: 0026
Revises: 0022
Create Date: 2026-12-05 00:00:00
"""
from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0026'
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    targets = op.create_table(
        'project_targets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', S(length=36), nullable=False),
        sa.Column('figure', S(length=60), nullable=False),
        sa.Column('breakdown', S(length=40), nullable=False),
        sa.Column('part', S(length=60), nullable=False),
        sa.Column('target', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'figure', 'breakdown', 'part',
                            name='uq_project_targets_figure_part'),
    )
    op.create_index('ix_project_targets_project_id', 'project_targets', ['project_id'])
    op.create_table(
        'outreach_contacts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', S(length=36), nullable=False),
        sa.Column('kind', S(length=40), nullable=False),
        sa.Column('place_type', S(length=40),
                  nullable=False),
        sa.Column('place_name', S(length=200), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('case_id', S(length=36), nullable=True),
        sa.Column('recorded_by', S(length=100), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id']),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_outreach_contacts_project_id', 'outreach_contacts', ['project_id'])
    op.create_index('ix_outreach_contacts_held_on', 'outreach_contacts', ['held_on'])
    op.create_index('ix_outreach_contacts_case_id', 'outreach_contacts', ['case_id'])
    op.create_table(
        'outreach_reached',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('nationality', S(length=2), nullable=False),
        sa.Column('sex', S(length=40), nullable=False),
        sa.Column('age_band', S(length=10), nullable=False),
        sa.Column('persons', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['contact_id'], ['outreach_contacts.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_outreach_reached_contact_id', 'outreach_reached', ['contact_id'])
    op.create_table(
        'report_plan_components',
        sa.Column('case_id', S(length=36), nullable=False),
        sa.Column('component_id', S(length=20), nullable=False),
        sa.Column('project_id', S(length=36), nullable=False),
        sa.Column('kind', S(length=40), nullable=False),
        sa.Column('dimension', S(length=40), nullable=False),
        sa.Column('level', S(length=40), nullable=False),
        sa.Column('other_beneficiaries', sa.Integer(), nullable=False),
        sa.Column('budget', sa.Numeric(14, 2), nullable=False),
        sa.Column('approved', sa.Boolean(), nullable=False),
        sa.Column('delivered_on', sa.Date(), nullable=True),
        sa.Column('actual_cost', sa.Numeric(14, 2), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('case_id', 'component_id'),
    )
    op.create_table(
        'report_monitoring_scores',
        sa.Column('case_id', S(length=36), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('project_id', S(length=36), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('reported_on', sa.Date(), nullable=False),
        sa.Column('months_after_arrival', sa.Integer(), nullable=True),
        sa.Column('economic', sa.Numeric(4, 2), nullable=False),
        sa.Column('social', sa.Numeric(4, 2), nullable=False),
        sa.Column('psychosocial', sa.Numeric(4, 2), nullable=False),
        sa.Column('overall', sa.Numeric(4, 2), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('case_id', 'number'),
    )
    # Covering indexes: a report groups a period's rows of one project from the index alone.
    op.create_index('ix_report_monitoring_scores_project_reported', 'report_monitoring_scores',
                    ['project_id', 'reported_on', 'months_after_arrival', 'economic', 'social',
                     'psychosocial', 'overall'])
    op.create_index('ix_report_plan_components_project_delivered', 'report_plan_components',
                    ['project_id', 'delivered_on', 'kind', 'level', 'actual_cost',
                     'other_beneficiaries'])

    # Each project's named targets become whole-figure targets (a 0 stood for "none set").
    bind = op.get_bind()
    rows = []
    for project_id, raw in bind.execute(sa.text('SELECT id, targets FROM projects')).all():
        named = json.loads(raw) if isinstance(raw, str) else (raw or {})
        rows += [{'project_id': project_id, 'figure': name, 'breakdown': '', 'part': '',
                  'target': int(value)} for name, value in (named or {}).items() if value]
    if rows:
        op.bulk_insert(targets, rows)


def downgrade() -> None:
    op.drop_table('report_monitoring_scores')
    op.drop_table('report_plan_components')
    op.drop_table('outreach_reached')
    op.drop_table('outreach_contacts')
    op.drop_table('project_targets')
