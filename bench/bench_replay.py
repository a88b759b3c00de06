"""Worker CPU of the case workflow's own code, by workflow runner: the recorded histories replayed.

    .venv/bin/python -m bench.bench_replay              # 5 rounds of the 45 recorded histories
    .venv/bin/python -m bench.bench_replay --rounds 10

Replaying runs each history's workflow tasks through the same worker code as a live worker
(decoding each activation's payloads, the workflow in the sandbox, encoding the completion),
without a server or activities. The runners take turns, round by round, in this one process,
so a machine that is faster or slower from minute to minute (this one is, by up to a third)
weighs on each alike. Prints CPU milliseconds per history and per workflow task for:

- ``sandbox``: the SDK's sandboxed runner, as the worker ran before issue 25;
- ``sandbox, no context``: the same, wrapped in core/workflow_runner.ContextFreeRunner (the
  worker's runner now: it skips asking the sandbox for each payload's serialization context);
- ``unsandboxed``: ``HOMEWARD_WORKFLOW_SANDBOX=false``, for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import AsyncIterator
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from core.converter import build_data_converter
from core.workflow_runner import ContextFreeRunner
from workflows.return_case import ReturnCaseWorkflow

HISTORIES = sorted(
    (Path(__file__).parent.parent / "tests" / "workflows" / "histories").glob("*.json"))
RUNNERS: dict[str, WorkflowRunner] = {
    "sandbox": SandboxedWorkflowRunner(),
    "sandbox, no context": ContextFreeRunner(SandboxedWorkflowRunner()),
    "unsandboxed": UnsandboxedWorkflowRunner(),
}


def workflow_tasks(history: WorkflowHistory) -> int:
    return sum(e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED for e in history.events)


async def each(histories: list[WorkflowHistory]) -> AsyncIterator[WorkflowHistory]:
    for history in histories:
        yield history


async def one_round(replayer: Replayer, histories: list[WorkflowHistory]) -> float:
    start = time.process_time()
    async with replayer.workflow_replay_iterator(each(histories)) as results:
        async for result in results:
            if result.replay_failure is not None:
                raise result.replay_failure
    return time.process_time() - start


async def main(rounds: int) -> None:
    histories = [WorkflowHistory.from_json(p.stem, json.loads(p.read_text())) for p in HISTORIES]
    tasks = sum(workflow_tasks(h) for h in histories)
    replayers = {
        name: Replayer(workflows=[ReturnCaseWorkflow], data_converter=build_data_converter(),
                       workflow_runner=runner)
        for name, runner in RUNNERS.items()
    }
    for replayer in replayers.values():  # imports and the sandbox's first loads, once
        await one_round(replayer, histories)
    cpu: dict[str, list[float]] = {name: [] for name in replayers}
    for _ in range(rounds):
        for name, replayer in replayers.items():
            cpu[name].append(await one_round(replayer, histories))
    print(f"{len(histories)} histories, {tasks} workflow tasks, {rounds} rounds "
          "(CPU of this process, median round)")
    print(f"{'runner':<22}{'ms per history':>16}{'ms per task':>13}{'vs sandbox':>12}")
    base = statistics.median(cpu["sandbox"])
    for name, seconds in cpu.items():
        mid = statistics.median(seconds)
        print(f"{name:<22}{1000 * mid / len(histories):>16.2f}{1000 * mid / tasks:>13.3f}"
              f"{mid / base:>11.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    asyncio.run(main(parser.parse_args().rounds))
