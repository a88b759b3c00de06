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
import asyncio
import base64
import json
import logging
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import structlog
from sqlmodel import Session, select
from temporalio.api.common.v1 import Payload

from activities.projection import ProjectionActivities
from api.project_service import ensure_default_project
from core.converter import build_data_converter
from core.db import build_engine
from core.migrate import upgrade
from core.settings import Settings
from models.enums import LegalSituation, LocationType
from models.payloads import ProjectCaseInput
from models.tables import Case, Project

HISTORY = (Path(__file__).parent.parent / "tests" / "workflows" / "histories"
           / "a_paid_grant_and_a_handover_lead_into_monitoring.json")


def recorded_inputs() -> list[ProjectCaseInput]:
    converter = build_data_converter()
    inputs = []
    for event in json.loads(HISTORY.read_text())["events"]:
        attrs = event.get("activityTaskScheduledEventAttributes")
        if not attrs or attrs["activityType"]["name"] != "record_and_project":
            continue
        raw = attrs["input"]["payloads"][0]
        payload = Payload(metadata={k: base64.b64decode(v) for k, v in raw["metadata"].items()},
                          data=base64.b64decode(raw["data"]))
        [plain] = asyncio.run(converter.payload_codec.decode([payload]))  # type: ignore[union-attr]
        inputs.append(converter.payload_converter.from_payload(plain, ProjectCaseInput))
    return inputs


def main(writes: int) -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    folder = Path(tempfile.mkdtemp(prefix="homeward-projection-"))
    settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder}/bench.db",  # type: ignore[call-arg]
                        _env_file=None)
    engine = build_engine(settings)
    upgrade(engine)
    ensure_default_project(engine, settings)
    with Session(engine) as session:
        project_id = session.exec(select(Project.id)).first()
        case = Case(id=str(uuid.uuid4()), reference="LV-2026-000001", project_id=project_id,
                    country_of_origin="GE", legal_situation=LegalSituation.REJECTED_ASYLUM_SEEKER,
                    location_type=LocationType.RECEPTION_CENTRE)
        session.add(case)
        session.commit()
        case_id = case.id
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
                "case_id": case_id, "version": version,
                # Each entry once: a repeated key is skipped, which would flatter the figure.
                "timeline": [e.model_copy(update={"entry_key": f"{case_id}-{version}-{k}"})
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
