"""The donor report's figures computed straight from the dataset of
tests/api/report_dataset.py, by a computation of their own (integer cents for the
EU / national split)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from models.enums import (
    ClosureReason,
    CostCategory,
)
from tests.api.report_dataset import (
    ACTIVITIES,
    CASES,
    COMPONENTS,
    COSTS,
    EU_PERCENT,
    OUTREACH,
    REFERRALS,
    SCORES,
    SIMULATED_COSTS,
    SPLIT_TARGETS,
    TARGETS,
    THRESHOLD,
    current_project,
)


def cents(amount: str | Fraction) -> int:
    return round(Fraction(amount) * 100)


def expected_spending(project: str, start: date | None, end: date) -> dict[str, tuple[str, ...]]:
    """Category -> (total, EU, national) as strings, split by integer arithmetic on cents."""
    totals: dict[str, int] = {c.value: 0 for c in CostCategory}
    for _, p, category, amount, day in COSTS:
        if p == project and (start is None or start <= day) and day <= end:
            totals[category.value] += cents(amount)

    def share(total_cents: int) -> tuple[int, int]:
        exact = Fraction(total_cents) * Fraction(EU_PERCENT) / 100  # in cents
        eu = int(exact) + (1 if exact - int(exact) >= Fraction(1, 2) else 0)  # half up
        return eu, total_cents - eu

    def money(c: int) -> str:
        return f"{c // 100}.{c % 100:02d}"

    lines = {k: (t, *share(t)) for k, t in totals.items()}
    lines["total"] = tuple(sum(line[i] for line in lines.values()) for i in range(3))  # type: ignore[assignment]
    return {k: tuple(money(c) for c in v) for k, v in lines.items()}


def expected_simulated(project: str, start: date | None, end: date) -> dict[str, str]:
    """Category (and "total") -> the simulated costs' sum, from the table above."""
    totals = {c.value: 0 for c in CostCategory}
    for _, p, category, amount, day in SIMULATED_COSTS:
        if p == project and (start is None or start <= day) and day <= end:
            totals[category.value] += cents(amount)
    totals["total"] = sum(totals.values())
    return {k: f"{c // 100}.{c % 100:02d}" for k, c in totals.items()}


def expected(start: date | None, end: date) -> dict[str, Any]:
    """The report's figures, computed straight from the table above."""
    def inside(day: date | None) -> bool:
        return day is not None and (start is None or start <= day) and day <= end

    departed = [c for c in CASES if "departed" in c["in_p"] and inside(c["departed"])]
    people = [(c, who) for c in departed for who in c["people"]]
    reintegrated = [
        c for c in CASES if "reintegrated" in c["in_p"] and inside(c.get("reintegrated"))
    ]
    closed = [c for c in CASES if "closed" in c["in_p"] and inside(c["closed"])]

    def band(c: dict[str, Any], who: dict[str, Any]) -> str:
        d, b = c["departed"], who["born"]
        age = d.year - b.year - ((d.month, d.day) < (b.month, b.day))
        return "0-17" if age < 18 else "18-34" if age < 35 else "35-59" if age < 60 else "60+"

    def count(values: list[str]) -> dict[str, int]:
        return {v: values.count(v) for v in set(values)}

    activities = [a for a in ACTIVITIES if inside(a[1])]
    persons = len(people)
    sections = expected_sections(inside)
    achieved = {
        "persons_returned": persons,
        "persons_reintegrated": sum(len(c["people"]) for c in reintegrated),
        "cases_opened": sum(
            1 for c in CASES if "created" in c["in_p"] and inside(c["created"])),
        "training": sum(1 for a in activities if a[0] == "training"),
        "training_participants": sum(a[2] for a in activities if a[0] == "training"),
        "outreach_persons_reached": sections["outreach"]["persons_reached"],
        "components_delivered": sum(
            f[0] for f in sections["components_by_level"].values()),
    }
    by_country = count([c["country"] for c, _ in people])
    split_achieved = {  # (figure, breakdown) -> part -> achieved
        ("persons_returned", "country_of_origin"): by_country,
        ("cases_opened", "quarter"): {
            label: sum(1 for c in CASES if "created" in c["in_p"] and inside(c["created"])
                       and first <= c["created"] <= last)
            for label, first, last in (("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
                                       ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)))},
        ("outreach_persons_reached", "sex"): sections["outreach"]["by_sex"],
        ("components_delivered", "level"): {
            k: f[0] for k, f in sections["components_by_level"].items()},
    }
    targets = {
        (name, ""): (target, achieved.get(name), round(achieved[name] / target * 100, 1)
                     if name in achieved and target else None)
        for name, target in TARGETS.items()
    }
    for figure, breakdown in {(t[0], t[1]) for t in SPLIT_TARGETS}:
        parts = [t for t in SPLIT_TARGETS if (t[0], t[1]) == (figure, breakdown)]
        got = split_achieved[(figure, breakdown)]
        planned = sum(t[3] for t in parts)
        done = sum(got.get(t[2], 0) for t in parts)
        targets[(figure, breakdown)] = (planned, done, round(done / planned * 100, 1))
        for t in parts:
            part_done = got.get(t[2], 0)
            targets[(figure, breakdown, t[2])] = (  # type: ignore[index]
                t[3], part_done, round(part_done / t[3] * 100, 1))
    return {
        "persons_returned": persons,
        "cases_returned": len(departed),
        "cases_opened": achieved["cases_opened"],
        "cases_closed": len(closed),
        "persons_reintegrated": achieved["persons_reintegrated"],
        "cases_reintegrated": len(reintegrated),
        "spending": expected_spending("P", start, end),
        "simulated": expected_simulated("P", start, end),
        "by_reason": count([c["reason"].value if c["reason"] else "completed" for c in closed]),
        "by_country": count([c["country"] for c, _ in people]),
        "by_legal": count([c["legal"].value for c, _ in people]),
        "by_sex": count([who["sex"].value for _, who in people]),
        "by_age": count([band(c, who) for c, who in people]),
        "by_vulnerability": count(
            [v for _, who in people for v in who["vulnerabilities"] or ["none"]]
        ),
        "average_days": round(
            sum((c["departed"] - c["created"]).days for c in departed) / len(departed), 1
        ) if departed else None,
        "targets": targets,
        "achieved": achieved,
        "withdrawn_or_absconded": sum(
            1 for c in closed if c["reason"] in (ClosureReason.WITHDRAWN, ClosureReason.ABSCONDED)),
        **sections,
        "activities": {
            kind: (sum(1 for a in activities if a[0] == kind),
                   sum(a[2] for a in activities if a[0] == kind))
            for kind in {a[0] for a in activities}
        },
    }


def band(score: str) -> str:
    value = Fraction(score)
    return ("0.75-1.00" if value >= Fraction(3, 4) else "0.50-0.74" if value >= Fraction(1, 2)
            else "0.25-0.49" if value >= Fraction(1, 4) else "0.00-0.24")


def expected_sections(inside: Any) -> dict[str, Any]:
    """Outreach, reintegration outcomes and referrals of project P, from the tables above."""
    spec = {c["name"]: c for c in CASES}
    ours = [o for o in OUTREACH if o[0] == "P" and inside(o[4])]
    reached = [(o[1], *r) for o in ours for r in o[5]]

    def tally(pairs: list[tuple[str, int]]) -> dict[str, int]:
        out: dict[str, int] = {}
        for key, n in pairs:
            out[key] = out.get(key, 0) + n
        return out

    outreach = {
        "contacts": len(ours),
        "by_kind": tally([(o[1], 1) for o in ours]),
        "by_place": tally([(o[2], 1) for o in ours]),
        "persons_reached": sum(r[4] for r in reached),
        "persons_by_kind": tally([(r[0], r[4]) for r in reached]),
        "by_nationality": tally([(r[1], r[4]) for r in reached]),
        "by_sex": tally([(r[2], r[4]) for r in reached]),
        "by_age": tally([(r[3], r[4]) for r in reached]),
        "followed_by_a_case": sum(1 for o in ours if o[6]),
    }
    visits = [v for v in SCORES if current_project(spec[v[0]]) == "P" and inside(v[3])]
    period = {3: "3", 6: "6", 12: "12"}
    distribution: dict[str, dict[str, dict[str, int]]] = {}
    for v in visits:
        p = period.get(v[2], "other") if v[2] is not None else "other"
        for dimension, score in zip(("economic", "social", "psychosocial", "overall"), v[4:],
                                    strict=True):
            bands = distribution.setdefault(p, {}).setdefault(dimension, {})
            bands[band(score)] = bands.get(band(score), 0) + 1
    at_12 = [v for v in visits if v[2] == 12]
    share = {
        dimension: round(sum(1 for v in at_12 if Fraction(v[4 + i]) >= Fraction(THRESHOLD))
                         / len(at_12) * 100, 1) if at_12 else None
        for i, dimension in enumerate(("economic", "social", "psychosocial", "overall"))
    }
    delivered = [c for c in COMPONENTS
                 if current_project(spec[c[0]]) == "P" and inside(c[6])]

    def figures(index: int) -> dict[str, tuple[int, str]]:
        out: dict[str, tuple[int, str]] = {}
        for c in delivered:
            n, cost = out.get(c[index], (0, "0"))
            out[c[index]] = (n + 1, str(Decimal(cost) + Decimal(c[5] or "0")))
        return out

    referrals = [r for r in REFERRALS if current_project(spec[r[0]]) == "P" and inside(r[3])]
    kinds_outcomes: dict[str, dict[str, int]] = {}
    for r in referrals:
        o = kinds_outcomes.setdefault(r[1], {})
        o[r[2] or "pending"] = o.get(r[2] or "pending", 0) + 1
    return {
        "outreach": outreach,
        "visits_by_period": tally([(period.get(v[2], "other") if v[2] else "other", 1)
                                   for v in visits]),
        "distribution": distribution,
        "share_12": share,
        "components_by_category": figures(2),
        "components_by_level": figures(3),
        "level_x_category": tally([(f"{c[3]}/{c[2]}", 1) for c in delivered]),
        "community_others": sum(c[4] for c in delivered if c[3] == "community"),
        "referrals": {
            "total": len(referrals),
            "by_kind": tally([(r[1], 1) for r in referrals]),
            "by_outcome": tally([(r[2] or "pending", 1) for r in referrals]),
            "by_kind_and_outcome": kinds_outcomes,
            "after_return": sum(1 for r in referrals if r[4]),
        },
    }
