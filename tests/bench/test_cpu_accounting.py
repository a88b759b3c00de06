"""The benchmarks' CPU accounting: what each process of the stack spent per operation."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from bench.stack import cpu_of_trees, cpu_per_op

BURN = 0.4  # CPU seconds a child spends


def test_a_process_tree_counts_its_children_live_and_ended() -> None:
    if not os.path.isdir("/proc"):
        pytest.skip("reads /proc (Linux)")
    # A parent that runs one child to its end (reaped: counted in the parent's children
    # time), then starts another that burns and stays alive (counted as itself).
    burn = f"import time\nt = time.process_time()\nwhile time.process_time() - t < {BURN}: pass"
    script = (
        "import subprocess, sys, time\n"
        f"subprocess.run([sys.executable, '-c', {burn!r}], check=True)\n"
        f"live = subprocess.Popen([sys.executable, '-c', {burn + chr(10) + 'time.sleep(60)'!r}])\n"
        "print('started', flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)  # its own process group, killed whole
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 20
        while True:
            seconds = cpu_of_trees({"parent": parent.pid})["parent"]
            if seconds >= 2 * BURN or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert 2 * BURN <= seconds < 2 * BURN + 3  # both children, plus interpreter start-ups
    finally:
        os.killpg(parent.pid, 9)
        parent.wait()


def test_cpu_per_operation_by_process_and_in_total() -> None:
    before = {"worker": 10.0, "api": 2.0, "bench": 1.0}
    after = {"worker": 10.5, "api": 2.2, "bench": 1.1, "postgresql": 0.2}
    per = cpu_per_op(before, after, 100)
    assert per == {"worker": 5.0, "api": 2.0, "bench": 1.0, "postgresql": 2.0, "total": 10.0}
    assert cpu_per_op(before, after, 0) == {}  # nothing succeeded: no per-operation figure
