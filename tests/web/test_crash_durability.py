"""A kill -9 after the acknowledgement loses nothing: an ack leaves only after the commit that holds
the message (run against a real ``kefu serve`` process)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from websockets.sync.client import connect

from kefu.bootstrap import open_context
from kefu.config import Settings
from kefu.conversations import queries
from kefu.security.principals import CustomerPrincipal
from tests.support import free_port, run_async


def _wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 300  # a bound against hanging, not a timing: start-up is slow on a busy machine
    while time.monotonic() < deadline:
        assert proc.poll() is None, "kefu exited during start-up"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("kefu did not start")


def test_acknowledged_messages_survive_kill_9(settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "KEFU_DATABASE_URL": settings.database_url,
        "KEFU_BOT_ENABLED": "false",
        "KEFU_BOT_EMBEDDINGS": "false",
        "KEFU_LOG_LEVEL": "warning",
    }
    cmd = [
        sys.executable,
        "-c",
        "from kefu.cli import app; app()",
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(settings.data_dir),
    ]
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL)
    try:
        _wait_for_port(port, proc)
        base = f"http://127.0.0.1:{port}"
        token = httpx.post(f"{base}/api/v1/visitor/session", json={"name": "张三"}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        conv = httpx.post(f"{base}/api/v1/visitor/conversations", headers=headers).json()["conversation"]
        acked: dict[str, int] = {}
        with connect(f"ws://127.0.0.1:{port}/ws?token={token}", open_timeout=120) as ws:
            assert json.loads(ws.recv(timeout=120))["type"] == "hello"
            for n in range(30):
                frame = {"type": "send", "conversation_id": conv["id"], "client_msg_id": f"k{n}", "text": f"第{n}条"}
                ws.send(json.dumps(frame))
            while len(acked) < 30:
                frame = json.loads(ws.recv(timeout=120))
                if frame["type"] == "ack":
                    acked[frame["client_msg_id"]] = frame["message"]["seq"]
            os.kill(proc.pid, signal.SIGKILL)  # no shutdown, no flush: only what was committed remains
            proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)

    async def check() -> None:
        async with open_context(settings) as ctx:
            customer = CustomerPrincipal(conv["customer_id"], "张三", "web")
            history = await queries.history(ctx, customer, conv["id"])
            assert {m.client_msg_id: m.seq for m in history if m.client_msg_id} == acked

    run_async(check)
