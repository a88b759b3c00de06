"""CPU of one projection write (``record_and_project``), the database work of every decision.

    .venv/bin/python -m bench.bench_projection                 # 2,000 writes, SQLite
    .venv/bin/python -m bench.bench_projection --writes 5000

The inputs are those a recorded case sent (tests/workflows/histories, decoded with the
development key), written in turn to one case of a fresh SQLite database with rising
versions, in this process: the activity's own CPU (its transaction, the case row, tasks,
deadlines, timeline entries, report facts), without Temporal or the worker around it.
Prints the median of five rounds, in milliseconds per write.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from activities.projection import ProjectionActivities
from bench.scratch import CASE_ID, recorded_payloads, scratch_office
from core.converter import build_data_converter, build_payload_codec
from models.payloads import ProjectCaseInput


def _projection_input(event: dict[str, Any]) -> dict[str, Any] | None:
    attrs = event.get("activityTaskScheduledEventAttributes")
    if not attrs or attrs["activityType"]["name"] != "record_and_project":
        return None
    return attrs["input"]["payloads"][0]  # type: ignore[no-any-return]


def recorded_inputs() -> list[ProjectCaseInput]:
    codec, converter = build_payload_codec(), build_data_converter().payload_converter
    return [converter.from_payload(codec.decrypt(p), ProjectCaseInput)
            for p in recorded_payloads(_projection_input)]


def main(writes: int) -> None:
    _, engine = scratch_office()
    inputs = recorded_inputs()
    activities = ProjectionActivities(engine)
    version = 0

    def write(n: int) -> float:
        nonlocal version
        started = time.process_time()
        for i in range(n):
            version += 1
            data = inputs[i % len(inputs)]
            activities.record_and_project(data.model_copy(update={
                "case_id": CASE_ID, "version": version,
                # Each entry once: a repeated key is skipped, which would flatter the figure.
                "timeline": [e.model_copy(update={"entry_key": f"{CASE_ID}-{version}-{k}"})
                             for k, e in enumerate(data.timeline)],
            }))
        return (time.process_time() - started) * 1000 / n

    write(100)  # warm up: statement caches, the pool's connections
    rounds = [write(writes) for _ in range(5)]
    print(f"{len(inputs)} recorded inputs, {writes} writes a round, SQLite: "
          f"{statistics.median(rounds):.2f} ms of CPU per write "
          f"(rounds: {', '.join(f'{r:.2f}' for r in rounds)})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--writes", type=int, default=2000)
    main(parser.parse_args().writes)
