"""Compares a donor report with the figures tests/api/report_oracle.py computed: every
figure, breakdown, target, section and indicator."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def nonzero(d: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in d.items() if v}


def check(report: dict[str, Any], want: dict[str, Any]) -> None:
    for figure in ("persons_returned", "cases_returned", "cases_opened", "cases_closed",
                   "persons_reintegrated", "cases_reintegrated"):
        assert report[figure] == want[figure], figure
    spending = {k: (v["total"], v["eu_share"], v["national_share"])
                for k, v in report["spending_by_category"].items()}
    t = report["spending_total"]
    spending["total"] = (t["total"], t["eu_share"], t["national_share"])
    assert spending == want["spending"]
    for total, eu, national in spending.values():  # the shares add up to the cent
        assert Decimal(eu) + Decimal(national) == Decimal(total)
    simulated = dict(report["simulated_costs_by_category"])
    simulated["total"] = report["simulated_costs_total"]
    assert simulated == want["simulated"]
    assert nonzero(report["cases_closed_by_reason"]) == want["by_reason"]
    assert report["persons_returned_by_country_of_origin"] == want["by_country"]
    assert nonzero(report["persons_returned_by_legal_situation"]) == want["by_legal"]
    assert nonzero(report["persons_returned_by_sex"]) == want["by_sex"]
    assert nonzero(report["persons_returned_by_age_band"]) == want["by_age"]
    assert set(report["persons_returned_by_age_band"]) == {"0-17", "18-34", "35-59", "60+"}
    assert nonzero(report["persons_returned_by_vulnerability"]) == want["by_vulnerability"]
    assert report["average_days_intake_to_departure"] == want["average_days"]
    got_targets: dict[tuple[str, ...], tuple[Any, ...]] = {}
    for t in report["targets"]:
        got_targets[(t["name"], t["breakdown"])] = (t["target"], t["achieved"], t["percent"])
        for part in t["parts"]:
            got_targets[(t["name"], t["breakdown"], part["part"])] = (
                part["target"], part["achieved"], part["percent"])
    assert got_targets == want["targets"]
    check_sections(report, want)
    assert {k: (f["activities"], f["participants"])
            for k, f in report["activities_by_type"].items()
            if f["activities"]} == want["activities"]


def check_sections(report: dict[str, Any], want: dict[str, Any]) -> None:
    o, w = report["outreach"], want["outreach"]
    assert (o["contacts"], o["persons_reached"], o["contacts_followed_by_a_case"]) == (
        w["contacts"], w["persons_reached"], w["followed_by_a_case"])
    assert nonzero(o["contacts_by_kind"]) == w["by_kind"]
    assert nonzero(o["contacts_by_place_type"]) == w["by_place"]
    assert nonzero(o["persons_reached_by_kind"]) == w["persons_by_kind"]
    assert o["persons_reached_by_nationality"] == w["by_nationality"]
    assert nonzero(o["persons_reached_by_sex"]) == w["by_sex"]
    assert nonzero(o["persons_reached_by_age_band"]) == w["by_age"]
    out = report["reintegration_outcomes"]
    assert nonzero(out["visits_by_period"]) == want["visits_by_period"]
    assert {p: {d: nonzero(b) for d, b in dims.items()}
            for p, dims in out["sustainability_distribution"].items()
            if out["visits_by_period"][p]} == want["distribution"]
    assert out["share_above_threshold_at_12_months"] == want["share_12"]
    assert {k: (f["components"], str(Decimal(f["actual_cost"])))
            for k, f in out["components_delivered_by_category"].items()
            if f["components"]} == want["components_by_category"]
    assert {k: (f["components"], str(Decimal(f["actual_cost"])))
            for k, f in out["components_delivered_by_level"].items()
            if f["components"]} == want["components_by_level"]
    assert {f"{lv}/{k}": n for lv, kinds in
            out["components_delivered_by_level_and_category"].items()
            for k, n in kinds.items() if n} == want["level_x_category"]
    assert out["community_other_beneficiaries"] == want["community_others"]
    assert out["referrals"] == want["referrals"]
    values = {i["code"]: i["value"] for i in report["indicators"]}
    spent = Decimal(want["spending"]["total"][0])
    assert values == {
        "AMIF-O.3.1": want["achieved"]["training_participants"],
        "AMIF-O.3.3": want["persons_reintegrated"],
        "AMIF-R.3.6": want["persons_returned"],
        "EMN-returnees": want["persons_returned"],
        "EMN-outreach": want["outreach"]["persons_reached"],
        "EMN-applications": want["cases_opened"],
        "EMN-drop-outs": want["withdrawn_or_absconded"],
        "EMN-time-to-departure": want["average_days"],
        "EMN-reintegration": want["persons_reintegrated"],
        "EMN-cost-per-returnee": float((spent / want["persons_returned"]).quantize(
            Decimal("0.01"))) if want["persons_returned"] else None,
        "EMN-sustainability": want["share_12"]["overall"],
    }
    assert all(i["definition"] and "eur-lex" in i["source"].lower() or "EMN" in i["framework"]
               for i in report["indicators"])
    assert {i["code"] for i in report["indicators_not_computed"]} == {
        "AMIF-O.3.2", "AMIF-O.3.4/O.3.5", "AMIF-R.3.7", "AMIF-R.3.8", "EMN-re-migration",
        "EMN-satisfaction", "EMN-campaign-reach"}
    assert all(i["reason"] for i in report["indicators_not_computed"])
