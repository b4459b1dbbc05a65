"""bench/tickets.py at a tiny size (200 tickets), so the benchmark cannot rot unnoticed."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_bench_runs_and_reports_every_target() -> None:
    """On its own temporary SQLite database (on PostgreSQL the bench resets the schema: run it by hand)."""
    sys.path.insert(0, str(ROOT))
    try:
        from bench import tickets
    finally:
        sys.path.remove(str(ROOT))
    args = argparse.Namespace(tickets=200, requests=3, due=2, database_url="")
    figures = tickets.run(args)
    json.dumps(figures)  # one JSON line
    assert figures["bench"] == "tickets"
    assert set(figures["met"]) == {"list_p99_lt_100ms", "sweep_lt_1s", "export_constant_memory", "export_all_rows"}
    assert figures["met"]["export_all_rows"]
    assert figures["sweep_handled"] == 2
    for query in ("view_mine", "view_group", "view_unassigned", "view_breaching", "search_number", "search_phone"):
        assert query in figures["list"]
    for probe in ("search_number", "search_phone", "search_order_no"):
        assert figures["list"][probe]["found"] == 1


def test_the_export_child_prints_its_peak(tmp_path: Path) -> None:
    """The child is a separate process (its peak RSS is its own); it must run from a plain command."""
    command = [sys.executable, str(ROOT / "bench" / "tickets.py"), "--export-child", "csv", "2026-01-01", "2026-01-02"]
    command += ["--data-dir", str(tmp_path)]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert result["rows"] == 0
    assert result["peak_rss_mb"] > 0
