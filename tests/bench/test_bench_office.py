"""bench/bench_office.py runs end to end at a tiny size (so it does not rot): every role's
operations succeed against a real stack, and the figures it reports are there."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
    # The writes and the dashboard happened under load, and each has its CPU by process.
    for name in ("decision", "dashboard", "case page", "import"):
        assert report["ms"][name]["n"] >= 1, (name, report["ms"])
        assert report["ms"][name]["p95"] > 0
    assert set(report["cpu_ms_per_op"]["decision"]) >= {"api", "worker", "temporal", "total"}
    assert report["timeline"] > 150  # the cases' history was filled
