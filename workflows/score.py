"""The reintegration sustainability score of one monitoring visit (pure, no I/O).

Each indicator is rated 0..``scale_max``; a dimension's score is the weighted mean of its
indicators divided by ``scale_max``; the overall score is the weighted mean of the dimension
scores. All in Decimal, rounded half-up to two places, so the score never depends on float
rounding and replays identically. The default indicator set (models/policy.py) is Homeward's
own, not any organisation's official scale.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from models.enums import Dimension
from models.policy import ScoringPolicy
from models.reintegration import VisitScore

CENT = Decimal("0.01")


def problems(ratings: dict[str, int], scoring: ScoringPolicy) -> list[str]:
    """What is wrong with a report's ratings: unknown, missing or out-of-scale indicators."""
    known = {i.key for i in scoring.indicators}
    out = [f"unknown indicator '{k}'" for k in sorted(set(ratings) - known)]
    out += [f"indicator '{k}' is missing" for k in sorted(known - set(ratings))]
    out += [
        f"indicator '{k}' is rated {v}, the scale is 0 to {scoring.scale_max}"
        for k, v in sorted(ratings.items())
        if k in known and not 0 <= v <= scoring.scale_max
    ]
    return out


def score(ratings: dict[str, int], scoring: ScoringPolicy) -> VisitScore:
    by_dimension: dict[Dimension, Decimal] = {}
    for dimension in Dimension:
        indicators = [i for i in scoring.indicators if i.dimension == dimension]
        weight = sum((i.weight for i in indicators), Decimal(0))
        if not weight:
            by_dimension[dimension] = Decimal(0)
            continue
        total = sum((i.weight * ratings[i.key] for i in indicators), Decimal(0))
        by_dimension[dimension] = total / weight / scoring.scale_max
    weights = {d: scoring.dimension_weights.get(d, Decimal(0)) for d in Dimension}
    weighted = [(by_dimension[d], w) for d, w in weights.items() if w and _has(scoring, d)]
    overall = sum((s * w for s, w in weighted), Decimal(0)) / sum(
        (w for _, w in weighted), Decimal(0)
    ) if weighted else Decimal(0)
    return VisitScore(
        economic=_round(by_dimension[Dimension.ECONOMIC]),
        social=_round(by_dimension[Dimension.SOCIAL]),
        psychosocial=_round(by_dimension[Dimension.PSYCHOSOCIAL]),
        overall=_round(overall),
    )


def _has(scoring: ScoringPolicy, dimension: Dimension) -> bool:
    return any(i.dimension == dimension for i in scoring.indicators)


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
