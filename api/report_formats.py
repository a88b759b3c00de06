"""A donor report as tables: the same figures as the JSON, for CSV and XLSX (one sheet each)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

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
    targets: Table = [["target", "breakdown", "part", "target_value", "achieved", "percent"]]
    for t in r.targets:
        targets.append([t.name, t.breakdown, "", t.target, t.achieved, t.percent])
        targets.extend([t.name, t.breakdown, p.part, p.target, p.achieved, p.percent]
                       for p in t.parts)
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
        **section_tables(r),
        "notes": notes + [[n] for n in r.notes],
    }


def section_tables(r: ProjectReport) -> dict[str, Table]:
    """Outreach, reintegration outcomes and indicators as tables."""
    o, out = r.outreach, r.reintegration_outcomes
    sustainability: Table = [["months_after_arrival", "dimension",
                              *out.sustainability_distribution["12"]["overall"]]]
    for period, dims in out.sustainability_distribution.items():
        sustainability.extend([period, d, *bands.values()] for d, bands in dims.items())
    share: Table = [["dimension", "percent_at_or_above", "threshold"]]
    share.extend([d, v, out.sustainability_threshold]
                 for d, v in out.share_above_threshold_at_12_months.items())
    referrals: Table = [["kind", "outcome", "referrals"]]
    referrals.extend([k, o_, n] for k, outcomes in out.referrals["by_kind_and_outcome"].items()
                     for o_, n in outcomes.items())
    components: Table = [["level", "category", "components"]]
    components.extend([lv, k, n] for lv, kinds in
                      out.components_delivered_by_level_and_category.items()
                      for k, n in kinds.items())

    def figures(header: str, rows: dict[str, Any]) -> Table:
        table: Table = [[header, "components", "actual_cost"]]
        table.extend([k, f.components, f.actual_cost] for k, f in rows.items())
        return table

    indicators: Table = [["code", "framework", "name", "value", "unit", "definition", "source",
                          "computed_from"]]
    indicators.extend([i.code, i.framework, i.name, i.value, i.unit, i.definition, i.source,
                       i.computed_from] for i in r.indicators)
    missing: Table = [["code", "framework", "name", "reason", "source"]]
    missing.extend([i.code, i.framework, i.name, i.reason, i.source]
                   for i in r.indicators_not_computed)
    return {
        "outreach": [["figure", "value"], ["contacts", o.contacts],
                     ["persons_reached", o.persons_reached],
                     ["contacts_followed_by_a_case", o.contacts_followed_by_a_case],
                     *([f"contacts_{k}", v] for k, v in o.contacts_by_kind.items()),
                     *([f"persons_reached_{k}", v]
                       for k, v in o.persons_reached_by_kind.items())],
        "outreach_by_place_type": _counts("place_type", "contacts", o.contacts_by_place_type),
        "outreach_by_nationality": _counts("nationality", "persons",
                                           o.persons_reached_by_nationality),
        "outreach_by_sex": _counts("sex", "persons", o.persons_reached_by_sex),
        "outreach_by_age_band": _counts("age_band", "persons", o.persons_reached_by_age_band),
        "sustainability_by_visit": sustainability,
        "sustainability_at_12_months": share,
        "monitoring_visits_by_period": _counts("months_after_arrival", "visits",
                                               out.visits_by_period),
        "referrals": referrals,
        "components_by_category": figures("category", out.components_delivered_by_category),
        "components_by_level": figures("level", out.components_delivered_by_level),
        "components_level_x_category": components,
        "indicators": indicators,
        "indicators_not_computed": missing,
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


MONEY = "#,##0.00"
WHOLE = "#,##0"
PERCENT_COLUMNS = frozenset({"percent", "percent_at_or_above"})


def to_xlsx(r: ProjectReport) -> bytes:
    """One sheet per table, for reading: the header row bold and frozen, columns as wide
    as their text (up to 60 characters, long text wrapped), amounts with two decimals and
    thousands separators, counts with separators, percentages with one decimal."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    for name, rows in report_tables(r).items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        header = [str(h) for h in rows[0]]
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for i, title in enumerate(header, start=1):
            letter = get_column_letter(i)
            width = max(len(str(c.value)) if c.value is not None else 0
                        for c in sheet[letter])
            sheet.column_dimensions[letter].width = min(max(width, 8) + 2, 60)
            for cell in sheet[letter][1:]:
                if isinstance(cell.value, str) and len(cell.value) > 60:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                elif isinstance(cell.value, (Decimal, float)) and title in PERCENT_COLUMNS:
                    cell.number_format = "0.0"
                elif isinstance(cell.value, float):  # averages, an indicator's value
                    cell.number_format = "#,##0.0#"
                elif isinstance(cell.value, (Decimal, float)):
                    cell.number_format = MONEY if title != "threshold" else "0.00"
                elif isinstance(cell.value, int) and not isinstance(cell.value, bool):
                    cell.number_format = WHOLE
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
