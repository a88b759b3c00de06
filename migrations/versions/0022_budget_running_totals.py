"""Budget running totals kept by triggers, and the indexes a donor report reads.

A project's budget was computed by reading every commitment and summing each one's costs
(22 s at 100,000 cases, inside every grant and plan approval while the project row was
locked). ``budget_totals`` holds, per project and category, the costs consumed and the open
part of the commitments, in cents; triggers on costs, budget_commitments and the status of
cases change them in the same transaction as the row they follow, so every writer (the
activities, the import, bulk inserts, a test's direct UPDATE) keeps them right and the
figures are read in constant time. Why not one aggregate query instead: it would still read
every open commitment of the project and its costs while an approval holds the project's lock
(growing with the cases); and why triggers rather than the application keeping the totals:
costs are written by the activities, the import and bulk loaders, statuses by the projection,
and a writer that forgot the totals would make them wrong for good. The open part of a commitment is, as before, its amount
less the costs of its category booked to its case (never below zero), and nothing while the
case is closed. Costs are append-only: an UPDATE of a cost's money columns is refused.

Amounts are summed as integer cents: SQLite stores NUMERIC as floating point, and a float
running total would drift over millions of changes.

On SQLite, a later migration that rebuilds one of these three tables (batch mode's copy)
drops its triggers: recreate them with ``create_triggers``
(tests/activities/test_budget_totals_triggers.py checks they exist at head).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 21:20:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def cents(amount: str) -> str:
    return f"CAST(ROUND({amount} * 100) AS BIGINT)"


def booked(case_id: str, category: str) -> str:
    """The costs of a category booked to a case, any project, in cents."""
    return (f"(SELECT COALESCE(SUM({cents('k.amount')}), 0) FROM costs k"
            f" WHERE k.case_id = {case_id} AND k.category = {category})")


def open_part(amount_cents: str, booked_cents: str) -> str:
    return (f"CASE WHEN {amount_cents} > {booked_cents}"
            f" THEN {amount_cents} - {booked_cents} ELSE 0 END")


def add(deltas: str) -> str:
    """Add rows (project_id, category, consumed, committed) to the totals, in key order (on
    PostgreSQL, two transactions then lock the rows they share in the same order)."""
    return (
        "INSERT INTO budget_totals (project_id, category, consumed_cents, committed_cents)"
        " SELECT project_id, category, SUM(consumed), SUM(committed)"
        f" FROM ({deltas}) AS d WHERE 1 = 1"
        " GROUP BY project_id, category ORDER BY project_id, category"
        " ON CONFLICT (project_id, category) DO UPDATE SET"
        " consumed_cents = budget_totals.consumed_cents + excluded.consumed_cents,"
        " committed_cents = budget_totals.committed_cents + excluded.committed_cents"
    )


def commitment_of(row: str, sign: int) -> str:
    """The open part of the commitment ``row`` (NEW or OLD) while its case is not closed."""
    own = open_part(cents(f"{row}.amount"), booked(f"{row}.case_id", f"{row}.category"))
    return (f"SELECT {row}.project_id AS project_id, {row}.category AS category,"
            f" 0 AS consumed, {sign} * {own} AS committed"
            f" FROM cases c WHERE c.id = {row}.case_id AND c.status <> 'closed'")


def cost_change(row: str, sign: int) -> str:
    """A cost booked (sign 1, after insert) or removed (-1, after delete): it is consumed,
    and the open part of its case's commitment of that category changes."""
    amount = cents(f"{row}.amount")
    now = booked(f"{row}.case_id", f"{row}.category")
    before = f"({now} - {sign} * {amount})"
    a = cents("bc.amount")
    return add(
        f"SELECT {row}.project_id AS project_id, {row}.category AS category,"
        f" {sign} * {amount} AS consumed, 0 AS committed"
        " UNION ALL"
        " SELECT bc.project_id, bc.category, 0,"
        f" {open_part(a, now)} - {open_part(a, before)}"
        " FROM budget_commitments bc JOIN cases c ON c.id = bc.case_id"
        f" WHERE bc.case_id = {row}.case_id AND bc.category = {row}.category"
        " AND c.status <> 'closed'"
    )


# name -> (timing and event, table, WHEN condition or None, statement)
TRIGGERS: dict[str, tuple[str, str, str | None, str]] = {
    "budget_cost_booked": ("AFTER INSERT", "costs", None, cost_change("NEW", 1)),
    "budget_cost_removed": ("AFTER DELETE", "costs", None, cost_change("OLD", -1)),
    "budget_commitment_added": (
        "AFTER INSERT", "budget_commitments", None, add(commitment_of("NEW", 1))),
    "budget_commitment_changed": (
        "AFTER UPDATE", "budget_commitments", None,
        add(commitment_of("OLD", -1) + " UNION ALL " + commitment_of("NEW", 1))),
    "budget_commitment_removed": (
        "AFTER DELETE", "budget_commitments", None, add(commitment_of("OLD", -1))),
    # Closing a case releases its commitments; reopening it holds them again.
    "budget_case_closed_or_reopened": (
        "AFTER UPDATE OF status", "cases",
        "(OLD.status = 'closed') <> (NEW.status = 'closed')",
        add("SELECT bc.project_id AS project_id, bc.category AS category, 0 AS consumed,"
            " CASE WHEN NEW.status = 'closed' THEN -1 ELSE 1 END * "
            + open_part(cents("bc.amount"), booked("bc.case_id", "bc.category"))
            + " AS committed FROM budget_commitments bc WHERE bc.case_id = NEW.id"),
    ),
}
REFUSE_COST_UPDATE = (
    "OLD.amount <> NEW.amount OR OLD.case_id <> NEW.case_id"
    " OR OLD.category <> NEW.category OR OLD.project_id <> NEW.project_id"
)
REFUSAL = "costs are append-only: book a correcting cost instead"


# PostgreSQL differs from SQLite in two ways that matter here. Row triggers run at the end of
# their statement, so a row's trigger sees every row the statement inserted: the costs
# triggers run once per statement, over its rows (a transition table). And writers run at
# once: a trigger first locks the rows of the cases it changes figures of, then (READ
# COMMITTED: a new snapshot per statement) reads the costs, so two writers for one case
# take turns and the second counts the first's costs. SQLite runs one writer at a time and
# a row trigger right after its row.
def pg_cost_change(sign: int) -> str:
    amount, a = cents("t.amount"), cents("bc.amount")
    now = booked("s.case_id", "s.category")
    before = f"({now} - {sign} * s.moved)"
    return add(
        f"SELECT t.project_id AS project_id, t.category AS category,"
        f" {sign} * {amount} AS consumed, 0 AS committed FROM changed t"
        " UNION ALL"
        f" SELECT bc.project_id, bc.category, 0, {open_part(a, now)} - {open_part(a, before)}"
        f" FROM (SELECT t.case_id, t.category, SUM({amount}) AS moved FROM changed t"
        " GROUP BY t.case_id, t.category) AS s"
        " JOIN budget_commitments bc ON bc.case_id = s.case_id AND bc.category = s.category"
        " JOIN cases c ON c.id = bc.case_id WHERE c.status <> 'closed'"
    )


def lock_cases(ids: str) -> str:
    return f"PERFORM 1 FROM cases WHERE id IN ({ids}) ORDER BY id FOR NO KEY UPDATE OF cases"


PG_COSTS = {  # name -> (event, transition table)
    "budget_cost_booked": ("AFTER INSERT", "NEW TABLE", pg_cost_change(1)),
    "budget_cost_removed": ("AFTER DELETE", "OLD TABLE", pg_cost_change(-1)),
}
PG_LOCKS = {  # row triggers: the cases whose rows they lock first
    "budget_commitment_added": "NEW.case_id",
    "budget_commitment_changed": "OLD.case_id, NEW.case_id",
    "budget_commitment_removed": "OLD.case_id",
}


def create_triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, (event, table, when, statement) in TRIGGERS.items():
        condition = f" WHEN ({when})" if when else ""
        if postgres and name in PG_COSTS:
            event, transition, statement = PG_COSTS[name]
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
                       f" BEGIN {lock_cases('SELECT case_id FROM changed')}; {statement};"
                       " RETURN NULL; END $$")
            op.execute(f"CREATE TRIGGER {name} {event} ON {table} REFERENCING {transition}"
                       f" AS changed FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
        elif postgres:
            lock = f"{lock_cases(PG_LOCKS[name])}; " if name in PG_LOCKS else ""
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
                       f" BEGIN {lock}{statement}; RETURN NULL; END $$")
            op.execute(f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW"
                       f"{condition} EXECUTE FUNCTION {name}()")
        else:
            op.execute(f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW"
                       f"{condition} BEGIN {statement}; END")
    if postgres:
        op.execute("CREATE FUNCTION budget_cost_changed() RETURNS trigger LANGUAGE plpgsql"
                   f" AS $$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$")
        op.execute("CREATE TRIGGER budget_cost_changed BEFORE UPDATE ON costs FOR EACH ROW"
                   f" WHEN ({REFUSE_COST_UPDATE}) EXECUTE FUNCTION budget_cost_changed()")
    else:
        op.execute("CREATE TRIGGER budget_cost_changed BEFORE UPDATE ON costs FOR EACH ROW"
                   f" WHEN ({REFUSE_COST_UPDATE}) BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END")


def drop_triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, (_, table, _, _) in [*TRIGGERS.items(), ("budget_cost_changed",
                                                       ("", "costs", None, ""))]:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    op.create_table('budget_totals',
    sa.Column('project_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('category', sa.Enum('ticket', 'escort', 'document_fee', 'cash_grant', 'post_arrival', 'reintegration', 'other', name='costcategory', native_enum=False, length=40), nullable=False),
    sa.Column('consumed_cents', sa.BigInteger(), nullable=False),
    sa.Column('committed_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('project_id', 'category')
    )
    # A donor report reads a project's costs, departures, reintegrations and closures of a
    # period from these indexes alone.
    with op.batch_alter_table('costs', schema=None) as batch_op:
        batch_op.create_index('ix_costs_project_incurred', ['project_id', 'incurred_on', 'category', 'amount'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_project_departure', ['project_id', 'departure_date', 'created_at', 'id', 'country_of_origin', 'legal_situation'], unique=False)
        batch_op.create_index('ix_cases_project_reintegration', ['project_id', 'reintegration_date', 'id'], unique=False)
        batch_op.create_index('ix_cases_project_closed', ['project_id', 'status', 'closed_date', 'closure_reason', 'id'], unique=False)
    # The totals of what is already there, by the same rules as the triggers.
    a = cents("bc.amount")
    op.execute(add(
        f"SELECT project_id, category, {cents('amount')} AS consumed, 0 AS committed"
        " FROM costs UNION ALL"
        f" SELECT bc.project_id, bc.category, 0, {open_part(a, booked('bc.case_id', 'bc.category'))}"
        " FROM budget_commitments bc JOIN cases c ON c.id = bc.case_id"
        " WHERE c.status <> 'closed'"
    ))
    create_triggers()


def downgrade() -> None:
    drop_triggers()
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_project_closed')
        batch_op.drop_index('ix_cases_project_reintegration')
        batch_op.drop_index('ix_cases_project_departure')
    with op.batch_alter_table('costs', schema=None) as batch_op:
        batch_op.drop_index('ix_costs_project_incurred')
    op.drop_table('budget_totals')
