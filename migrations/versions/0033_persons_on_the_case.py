"""The number of people a case's household holds, on the case row, kept by triggers.

Persons returned per month (every dashboard) added up the members of 40,000 departed cases
through the members' index: 61 ms of CPU on every view at 100,000 cases
(``python -m bench.profile_pages``). ``cases.persons`` is the count of the case's household
members who did not leave it (``removed_at IS NULL``); the dashboard sums it from the index
``(departure_date, stage, id, persons)`` alone.

The database keeps it, in the transaction that writes the members, whoever writes them (the
API's ORM, the import's and the benchmarks' Core inserts, anonymisation): a trigger on
``household_member`` for an insert, a delete, and an update of ``removed_at`` or
``case_id``. A later migration that rebuilds ``household_member`` (SQLite's batch mode
copies the table) must create the triggers again, as 0024 did for 0022's.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-05 03:45:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0033'
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_TRIGGERS = {
    "household_persons_insert": (
        "AFTER INSERT ON household_member WHEN NEW.removed_at IS NULL BEGIN "
        "UPDATE cases SET persons = persons + 1 WHERE id = NEW.case_id; END"),
    "household_persons_delete": (
        "AFTER DELETE ON household_member WHEN OLD.removed_at IS NULL BEGIN "
        "UPDATE cases SET persons = persons - 1 WHERE id = OLD.case_id; END"),
    "household_persons_update": (
        "AFTER UPDATE OF removed_at, case_id ON household_member BEGIN "
        "UPDATE cases SET persons = persons - 1 WHERE id = OLD.case_id AND OLD.removed_at IS NULL; "
        "UPDATE cases SET persons = persons + 1 WHERE id = NEW.case_id AND NEW.removed_at IS NULL; "
        "END"),
}
PG_FUNCTION = """CREATE FUNCTION household_persons() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.removed_at IS NULL THEN
    UPDATE cases SET persons = persons - 1 WHERE id = OLD.case_id;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.removed_at IS NULL THEN
    UPDATE cases SET persons = persons + 1 WHERE id = NEW.case_id;
  END IF;
  RETURN NULL;
END $$"""


def upgrade() -> None:
    op.add_column("cases", sa.Column("persons", sa.Integer(), nullable=False,
                                     server_default="0"))
    op.execute("UPDATE cases SET persons = (SELECT count(*) FROM household_member m "
               "WHERE m.case_id = cases.id AND m.removed_at IS NULL)")
    op.drop_index("ix_cases_departure_stage", table_name="cases")
    op.create_index("ix_cases_departure_stage", "cases",
                    ["departure_date", "stage", "id", "persons"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute("CREATE TRIGGER household_persons AFTER INSERT OR DELETE OR UPDATE OF "
                   "removed_at, case_id ON household_member FOR EACH ROW "
                   "EXECUTE FUNCTION household_persons()")
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS household_persons ON household_member")
        op.execute("DROP FUNCTION IF EXISTS household_persons()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_cases_departure_stage", table_name="cases")
    op.create_index("ix_cases_departure_stage", "cases", ["departure_date", "stage", "id"])
    op.drop_column("cases", "persons")
