"""bench/bench_office.py runs end to end at a tiny size (so it does not rot): every role's
operations succeed against a real stack, and the figures it reports are there."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.bench_office import OPS

ROOT = Path(__file__).resolve().parents[2]


def test_an_office_day_at_a_tiny_size_runs_every_operation(tmp_path: Path) -> None:
    out = tmp_path / "office.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench.bench_office", "--cases", "150", "--minutes", "0.08",
         "--live", "2", "--scale", "0.05", "--think", "0.01", "--import-day", "10",
         "--cpu-runs", "1", "--no-markdown", "--strict", "--output", str(out), "--limit", "120"],
        cwd=ROOT, capture_output=True, text=True, timeout=180, check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["errors"] == {}
    # Under load: the day's import and the users' operations (which ones is random).
    assert report["ms"]["import"]["n"] == 1 and report["ms"]["import"]["p95"] > 0
    assert sum(row["n"] for row in report["ms"].values()) >= 10
    # Alone, after the day: every operation of every role, with its CPU by process.
    assert set(report["cpu_ms_per_op"]) == set(OPS) | {"import"}
    assert set(report["cpu_ms_per_op"]["decision"]) >= {"api", "worker", "temporal", "total"}
    assert report["timeline"] > 150  # the cases' history was filled
    # The worker's memory, the figure the scale target is about, is read from the process.
    worker = report["memory_mib"]["worker"]
    assert 0 < worker["rss_mib"] <= worker["peak_rss_mib"]
