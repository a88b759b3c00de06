"""Donor reports downloaded as XLSX and CSV hold the same figures as the JSON report, on the
dataset built here (tests/api/report_dataset.py)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import httpx
from openpyxl import load_workbook

from tests.api.report_dataset import (
    END,
    START,
)
from tests.tokens import bearer


async def test_xlsx_and_csv_hold_the_same_figures_as_the_json(
    api: httpx.AsyncClient, projects: tuple[str, str]
) -> None:
    p, _ = projects
    params = {"start": START.isoformat(), "end": END.isoformat()}
    headers = bearer("auditor")
    report = (await api.get(f"/projects/{p}/report", params=params, headers=headers)).json()
    r = await api.get(f"/projects/{p}/report", params=params | {"format": "xlsx"},
                      headers=headers)
    assert r.status_code == 200
    assert "report-P-2026-01-01_2026-06-30.xlsx" in r.headers["content-disposition"]
    book = load_workbook(io.BytesIO(r.content))

    def rows(sheet: str) -> list[tuple[Any, ...]]:
        return list(book[sheet].iter_rows(min_row=2, values_only=True))

    summary = dict(rows("summary"))
    for figure in ("persons_returned", "cases_returned", "cases_opened", "cases_closed",
                   "average_days_intake_to_departure", "start", "end", "persons_reintegrated",
                   "cases_reintegrated", "currency"):
        assert summary[figure] == report[figure], figure
    assert Decimal(str(summary["eu_share_percent"])) == Decimal(report["eu_share_percent"])
    want_spending = {k: tuple(Decimal(v[f]) for f in ("total", "eu_share", "national_share"))
                     for k, v in report["spending_by_category"].items()}
    want_spending["total"] = tuple(
        Decimal(report["spending_total"][f]) for f in ("total", "eu_share", "national_share")
    )
    # Numbers in the sheet (so a donor's spreadsheet can sum them), equal to the cent.
    assert {k: tuple(Decimal(str(x)).quantize(Decimal("0.01")) for x in v)
            for k, *v in rows("spending_by_category")} == want_spending
    for sheet, key in (
        ("cases_closed_by_reason", "cases_closed_by_reason"),
        ("persons_by_country_of_origin", "persons_returned_by_country_of_origin"),
        ("persons_by_legal_situation", "persons_returned_by_legal_situation"),
        ("persons_by_vulnerability", "persons_returned_by_vulnerability"),
        ("persons_by_sex", "persons_returned_by_sex"),
        ("persons_by_age_band", "persons_returned_by_age_band"),
    ):
        assert dict(rows(sheet)) == report[key], sheet
    simulated = {k: Decimal(str(v)).quantize(Decimal("0.01"))
                 for k, v in rows("simulated_costs_not_spending")}
    assert simulated == {k: Decimal(v) for k, v in report["simulated_costs_by_category"].items()
                         } | {"total": Decimal(report["simulated_costs_total"])}
    assert simulated["total"] > 0
    want_targets = []
    for t in report["targets"]:
        want_targets.append((t["name"], t["breakdown"], None, t["target"], t["achieved"],
                             t["percent"]))
        want_targets += [(t["name"], t["breakdown"], p["part"], p["target"], p["achieved"],
                          p["percent"]) for p in t["parts"]]
    # (openpyxl reads an empty string back as None.)
    assert [tuple(None if c == "" else c for c in row) for row in rows("targets")] == [
        tuple(None if c == "" else c for c in row) for row in want_targets]
    assert {code: value for code, _, _, value, *_ in rows("indicators")} == {
        i["code"]: i["value"] for i in report["indicators"]}
    assert {(p, d): tuple(v) for p, d, *v in rows("sustainability_by_visit")} == {
        (p, d): tuple(b.values())
        for p, dims in report["reintegration_outcomes"]["sustainability_distribution"].items()
        for d, b in dims.items()}
    assert dict(rows("outreach_by_nationality")) == (
        report["outreach"]["persons_reached_by_nationality"])
    # Formatted for reading: bold frozen headers, widths, amounts with two decimals.
    sheet = book["spending_by_category"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet["B2"].number_format == "#,##0.00"
    assert book["indicators"].column_dimensions["F"].width == 60  # long definitions wrap
    assert book["persons_by_sex"]["B2"].number_format == "#,##0"
    assert {k: (a, n) for k, a, n in rows("activities_by_type")} == {
        k: (f["activities"], f["participants"]) for k, f in report["activities_by_type"].items()
    }

    r = await api.get(f"/projects/{p}/report", params=params | {"format": "csv"},
                      headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for line in csv.reader(io.StringIO(r.text)):
        if len(line) == 1 and not current:
            sections[line[0]] = current = []
        elif not line:
            current = []
        else:
            current.append(line)
    assert {k: int(v) for k, v in sections["persons_by_age_band"][1:]} == (
        report["persons_returned_by_age_band"]
    )
    assert dict(sections["summary"][1:])["persons_returned"] == str(report["persons_returned"])
    assert {k: tuple(map(Decimal, v)) for k, *v in sections["spending_by_category"][1:]} == (
        want_spending
    )
    assert {k: Decimal(v) for k, v in sections["simulated_costs_not_spending"][1:]} == simulated
