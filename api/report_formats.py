"""A donor report as tables: the same figures as the JSON, for CSV and XLSX (one sheet each)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook

from models.schemas_reports import ProjectReport

Cell = str | int | float | Decimal | None
Table = list[list[Cell]]


def _cell(value: object) -> Cell:
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, Decimal)):
        return value
    return str(value)


def _counts(header: str, unit: str, counts: dict[str, int]) -> Table:
    rows: Table = [[header, unit]]
    rows.extend([k, v] for k, v in counts.items())
    return rows


def report_tables(r: ProjectReport) -> dict[str, Table]:
    """Table name (at most 31 characters: an XLSX sheet name) -> header row and rows."""
    summary = [
        "project_code", "project_title", "start", "end", "cumulative", "persons_returned",
        "cases_returned", "cases_opened", "cases_closed", "average_days_intake_to_departure",
        "persons_reintegrated", "cases_reintegrated", "currency", "eu_share_percent",
        "national_share_percent",
    ]
    targets: Table = [["target", "target_value", "achieved", "percent"]]
    targets.extend([t.name, t.target, t.achieved, t.percent] for t in r.targets)
    activities: Table = [["type", "activities", "participants"]]
    activities.extend([k, f.activities, f.participants] for k, f in r.activities_by_type.items())
    spending: Table = [["category", "total", "eu_share", "national_share"]]
    spending.extend(
        [k, v.total, v.eu_share, v.national_share] for k, v in r.spending_by_category.items()
    )
    t = r.spending_total
    spending.append(["total", t.total, t.eu_share, t.national_share])
    simulated: Table = [["category", "amount"]]
    simulated.extend([k, v] for k, v in r.simulated_costs_by_category.items())
    simulated.append(["total", r.simulated_costs_total])
    head: Table = [["figure", "value"]]
    notes: Table = [["note"]]
    return {
        "summary": head + [[k, _cell(getattr(r, k))] for k in summary],
        "cases_closed_by_reason": _counts("reason", "cases", r.cases_closed_by_reason),
        "persons_by_country_of_origin": _counts(
            "country_of_origin", "persons", r.persons_returned_by_country_of_origin
        ),
        "persons_by_legal_situation": _counts(
            "legal_situation", "persons", r.persons_returned_by_legal_situation
        ),
        "persons_by_vulnerability": _counts(
            "vulnerability", "persons", r.persons_returned_by_vulnerability
        ),
        "persons_by_sex": _counts("sex", "persons", r.persons_returned_by_sex),
        "persons_by_age_band": _counts("age_band", "persons", r.persons_returned_by_age_band),
        "spending_by_category": spending,
        # Apart from the spending: a table of its own (the XLSX sheet's name says what it is).
        "simulated_costs_not_spending": simulated,
        "targets": targets,
        "activities_by_type": activities,
        "notes": notes + [[n] for n in r.notes],
    }


def to_csv(r: ProjectReport) -> str:
    """Every table one after the other: its name on a line, its rows, an empty line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for name, rows in report_tables(r).items():
        writer.writerow([name])
        writer.writerows(rows)
        writer.writerow([])
    return out.getvalue()


def to_xlsx(r: ProjectReport) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for name, rows in report_tables(r).items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, (Decimal, float)) and name in (
                        "spending_by_category", "simulated_costs_not_spending"):
                    cell.number_format = "0.00"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
