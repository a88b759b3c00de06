"""Indexes the dashboard reads at 100,000 cases (issue 25).

- ``timeline_entries (kind, summary, case_id)``: the stage funnel counts the cases that
  reached each stage from the timeline's stage changes. The dashboard keeps those counts per
  process and reads only the entries appended since (api/web/funnel.py); this index is for
  the first count after a start, which read all 2.5 million entries' rows (1.3-4 s) and now
  reads the stage changes' index entries alone.
- ``cases (departure_date, stage, id)``: persons returned per month reads the departed
  cases of twelve months (25,000 at 100,000 cases) from this index alone, their members
  from the members' case index.

Not ``case_tasks (role, due_at)`` for "my tasks": tried, SQLite then answered the
projection's ``min(due_at) ... WHERE case_id = ? AND role IN (...)`` (refresh_due_columns,
on every projection) by walking that index in due order: filling 20,000 cases took minutes
instead of seconds. "My tasks" reads the assignee's index instead (api/web/panels.py).

Only indexes: no table is rebuilt (the budget triggers of 0022 stay as they are).

Revision ID: 0030
Revises: 0022
Create Date: 2026-12-04 23:55:00
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0030'
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_timeline_entries_kind_summary_case", "timeline_entries",
                    ["kind", "summary", "case_id"])
    op.create_index("ix_cases_departure_stage", "cases", ["departure_date", "stage", "id"])


def downgrade() -> None:
    op.drop_index("ix_cases_departure_stage", table_name="cases")
    op.drop_index("ix_timeline_entries_kind_summary_case", table_name="timeline_entries")
