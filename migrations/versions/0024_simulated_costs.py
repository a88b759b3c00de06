"""Costs booked by simulators are marked, and the budget keeps them apart from spending.

A simulator (the embassy's, travel booking's or payments' in simulated mode) makes its
amounts up: 380.00 ± 25 % a ticket, 45.00 a document. ``costs.simulated`` marks what one
booked, and the running totals of migration 0022 count those costs in
``budget_totals.simulated_cents`` instead of ``consumed_cents``: neither the budget's
consumed nor a donor report's spending includes them; both show them apart. They still use
the budget up (remaining is the total less consumed, simulated and committed: in a training
installation the budget check refuses as it would for real), and a simulated cost settles its
case's commitment of that category (the open part of a commitment is still its amount less
every cost of its category booked to the case): the simulated payment or booking did happen
for the case.

The triggers are those of 0022 with the new column (they are dropped and created again; no
table is rebuilt). ``simulated`` joins the columns a cost may not change once booked.

Costs booked before this migration: those whose description only a simulator writes are
marked ("cash grant, receipt RCPT-...", the booking simulator's tickets and escorts without
"(travel desk)", the embassy simulator's fee without "(charged by the embassy)"), and the
totals are computed again from the ledger.

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-04 23:50:00
"""
from __future__ import annotations

import importlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0024'
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The helpers of 0022 that do not change (a module name cannot start with a digit in an import).
v0022 = importlib.import_module("migrations.versions.0022_budget_running_totals")
cents, booked, open_part, lock_cases = (
    v0022.cents, v0022.booked, v0022.open_part, v0022.lock_cases)

# What only the simulators write (activities/booking.py, embassy.py, payments.py).
SIMULATOR_WROTE = (
    "(description LIKE 'cash grant, receipt RCPT-%')"
    " OR (description LIKE 'tickets for % traveller(s), booking %'"
    "     AND description NOT LIKE '%(travel desk)')"
    " OR (description LIKE 'escort for booking %')"
    " OR (description LIKE 'travel document fee for % person(s), request %'"
    "     AND description NOT LIKE '%(charged by the embassy)')"
)


def add(deltas: str) -> str:
    """Add rows (project_id, category, consumed, committed, simulated) to the totals, in key
    order (on PostgreSQL, two transactions then lock the rows they share in the same order)."""
    return (
        "INSERT INTO budget_totals"
        " (project_id, category, consumed_cents, committed_cents, simulated_cents)"
        " SELECT project_id, category, SUM(consumed), SUM(committed), SUM(simulated)"
        f" FROM ({deltas}) AS d WHERE 1 = 1"
        " GROUP BY project_id, category ORDER BY project_id, category"
        " ON CONFLICT (project_id, category) DO UPDATE SET"
        " consumed_cents = budget_totals.consumed_cents + excluded.consumed_cents,"
        " committed_cents = budget_totals.committed_cents + excluded.committed_cents,"
        " simulated_cents = budget_totals.simulated_cents + excluded.simulated_cents"
    )


def spent(row: str, sign: int) -> str:
    """A cost's amount as consumed, or as simulated when a simulator booked it."""
    amount = cents(f"{row}.amount")
    return (f"{sign} * CASE WHEN {row}.simulated THEN 0 ELSE {amount} END AS consumed,"
            f" 0 AS committed,"
            f" {sign} * CASE WHEN {row}.simulated THEN {amount} ELSE 0 END AS simulated")


def commitment_of(row: str, sign: int) -> str:
    """The open part of the commitment ``row`` (NEW or OLD) while its case is not closed."""
    own = open_part(cents(f"{row}.amount"), booked(f"{row}.case_id", f"{row}.category"))
    return (f"SELECT {row}.project_id AS project_id, {row}.category AS category,"
            f" 0 AS consumed, {sign} * {own} AS committed, 0 AS simulated"
            f" FROM cases c WHERE c.id = {row}.case_id AND c.status <> 'closed'")


def cost_change(row: str, sign: int) -> str:
    """A cost booked (sign 1, after insert) or removed (-1, after delete): it is consumed (or
    simulated), and the open part of its case's commitment of that category changes."""
    amount = cents(f"{row}.amount")
    now = booked(f"{row}.case_id", f"{row}.category")
    before = f"({now} - {sign} * {amount})"
    a = cents("bc.amount")
    return add(
        f"SELECT {row}.project_id AS project_id, {row}.category AS category, {spent(row, sign)}"
        " UNION ALL"
        " SELECT bc.project_id, bc.category, 0,"
        f" {open_part(a, now)} - {open_part(a, before)}, 0"
        " FROM budget_commitments bc JOIN cases c ON c.id = bc.case_id"
        f" WHERE bc.case_id = {row}.case_id AND bc.category = {row}.category"
        " AND c.status <> 'closed'"
    )


def pg_cost_change(sign: int) -> str:
    """``cost_change`` over a statement's rows (PostgreSQL; 0022 says why)."""
    amount, a = cents("t.amount"), cents("bc.amount")
    now = booked("s.case_id", "s.category")
    before = f"({now} - {sign} * s.moved)"
    return add(
        f"SELECT t.project_id AS project_id, t.category AS category, {spent('t', sign)}"
        " FROM changed t"
        " UNION ALL"
        f" SELECT bc.project_id, bc.category, 0, {open_part(a, now)} - {open_part(a, before)}, 0"
        f" FROM (SELECT t.case_id, t.category, SUM({amount}) AS moved FROM changed t"
        " GROUP BY t.case_id, t.category) AS s"
        " JOIN budget_commitments bc ON bc.case_id = s.case_id AND bc.category = s.category"
        " JOIN cases c ON c.id = bc.case_id WHERE c.status <> 'closed'"
    )


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
    "budget_case_closed_or_reopened": (
        "AFTER UPDATE OF status", "cases",
        "(OLD.status = 'closed') <> (NEW.status = 'closed')",
        add("SELECT bc.project_id AS project_id, bc.category AS category, 0 AS consumed,"
            " CASE WHEN NEW.status = 'closed' THEN -1 ELSE 1 END * "
            + open_part(cents("bc.amount"), booked("bc.case_id", "bc.category"))
            + " AS committed, 0 AS simulated"
            " FROM budget_commitments bc WHERE bc.case_id = NEW.id"),
    ),
}
PG_COSTS = {
    "budget_cost_booked": ("AFTER INSERT", "NEW TABLE", pg_cost_change(1)),
    "budget_cost_removed": ("AFTER DELETE", "OLD TABLE", pg_cost_change(-1)),
}
REFUSE_COST_UPDATE = v0022.REFUSE_COST_UPDATE + " OR OLD.simulated <> NEW.simulated"


def create_triggers() -> None:
    """As 0022's, with this migration's statements."""
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
            locks = v0022.PG_LOCKS
            lock = f"{lock_cases(locks[name])}; " if name in locks else ""
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
                       f" BEGIN {lock}{statement}; RETURN NULL; END $$")
            op.execute(f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW"
                       f"{condition} EXECUTE FUNCTION {name}()")
        else:
            op.execute(f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW"
                       f"{condition} BEGIN {statement}; END")
    refusal = v0022.REFUSAL
    if postgres:
        op.execute("CREATE FUNCTION budget_cost_changed() RETURNS trigger LANGUAGE plpgsql"
                   f" AS $$ BEGIN RAISE EXCEPTION '{refusal}'; END $$")
        op.execute("CREATE TRIGGER budget_cost_changed BEFORE UPDATE ON costs FOR EACH ROW"
                   f" WHEN ({REFUSE_COST_UPDATE}) EXECUTE FUNCTION budget_cost_changed()")
    else:
        op.execute("CREATE TRIGGER budget_cost_changed BEFORE UPDATE ON costs FOR EACH ROW"
                   f" WHEN ({REFUSE_COST_UPDATE}) BEGIN SELECT RAISE(ABORT, '{refusal}'); END")


def upgrade() -> None:
    v0022.drop_triggers()
    op.add_column('costs', sa.Column('simulated', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.add_column('budget_totals', sa.Column('simulated_cents', sa.BigInteger(),
                                             nullable=False, server_default='0'))
    op.execute(f"UPDATE costs SET simulated = true WHERE {SIMULATOR_WROTE}")
    # The donor report sums a period's costs by category, simulated apart, from one index.
    op.drop_index('ix_costs_project_incurred', table_name='costs')
    op.create_index('ix_costs_project_incurred', 'costs',
                    ['project_id', 'incurred_on', 'category', 'simulated', 'amount'])
    # The totals again, from the ledger, by the new rules.
    a = cents("bc.amount")
    op.execute("DELETE FROM budget_totals")
    op.execute(add(
        f"SELECT project_id, category, {spent('costs', 1)} FROM costs UNION ALL"
        f" SELECT bc.project_id, bc.category, 0,"
        f" {open_part(a, booked('bc.case_id', 'bc.category'))}, 0"
        " FROM budget_commitments bc JOIN cases c ON c.id = bc.case_id"
        " WHERE c.status <> 'closed'"
    ))
    create_triggers()


def downgrade() -> None:
    v0022.drop_triggers()
    # Simulated costs count as consumed again, as before.
    op.execute("UPDATE budget_totals SET consumed_cents = consumed_cents + simulated_cents")
    op.drop_index('ix_costs_project_incurred', table_name='costs')
    op.create_index('ix_costs_project_incurred', 'costs',
                    ['project_id', 'incurred_on', 'category', 'amount'])
    op.drop_column('budget_totals', 'simulated_cents')
    op.drop_column('costs', 'simulated')
    v0022.create_triggers()
