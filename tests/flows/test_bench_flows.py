"""``bench/flows.py`` at a tiny size, so the benchmark cannot rot: every journey (忘记密码 included) runs
against a real kefu and demo system, each turn is timed, and the last line is its JSON figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_flows_bench_walks_every_journey_and_reports_one_json_line() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    args = ["--flows", "8", "--ramp", "0.5", "--think", "0.05", "--password-every", "8", "--no-warmup"]
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "flows.py"), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    assert figures["bench"] == "flows"
    assert figures["errors"] == {}, figures.get("error_samples")
    assert figures["flows_completed"] == 8
    # Seven journeys of 2–3 turns and one 忘记密码 of 3: every turn timed, client- and server-side.
    assert figures["turns"] == 2 + 2 + 3 + 2 + 2 + 2 + 2 + 3
    assert set(figures["own_client_p99_ms_by_journey"]) == {
        "forgot_password",
        "payment_refunded",
        "payment_retry",
        "repair_progress",
        "track",
        "transfer_hash",
        "transfer_order",
        "urge_then_track",
    }
    for key in ("client_ms", "own_client_ms", "server_ms", "own_server_ms", "backend_ms"):
        assert figures[key]["p99"] is not None
    assert figures["backend_ms"]["max"] > 0  # the turns' calls reached the demo system
    assert figures["own_server_ms"]["p50"] <= figures["server_ms"]["p50"]
    assert figures["target_p99_ms"] == 30
    assert isinstance(figures["met"], bool)
    assert any("flows started" in line for line in lines[:-1])  # progress as it goes
