"""serve_beside: the demo system as a second uvicorn server in the caller's event loop (``kefu demo``)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest

from kefu.cli import demo_system_url
from kefu.config import Settings
from kefu.demo_system.app import create_demo_system
from kefu.demo_system.server import DemoSystemStartError, serve_beside
from tests.demo_system.conftest import SECRET, signed_headers


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_serves_signed_actions_over_real_http(tmp_path: Path) -> None:
    port = _free_port()
    app = create_demo_system(tmp_path / "data", SECRET)
    async with serve_beside(app, "127.0.0.1", port, log_level="warning") as server:
        assert server.started
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            body = b'{"action": "find_user", "params": {"phone": "13800138000"}, "context": {}}'
            headers = signed_headers(SECRET, body, int(time.time()), "find_user", "k")
            response = await client.post("/api/actions/find_user", content=body, headers=headers)
            assert response.status_code == 200
            assert response.json()["data"]["user_id"] == "100001"
            assert (await client.get("/outbox")).status_code == 200
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as client:
            await client.get(f"http://127.0.0.1:{port}/api/outbox")


async def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(DemoSystemStartError):
            async with serve_beside(
                create_demo_system(tmp_path / "data", SECRET), "127.0.0.1", port, log_level="critical"
            ):
                pass


def test_demo_system_sits_on_the_next_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KEFU_DEMO_SYSTEM_SECRET", raising=False)
    settings = Settings(data_dir=tmp_path, port=8123, host="0.0.0.0")
    assert demo_system_url(settings) == "http://127.0.0.1:8124"
    assert settings.demo_system_secret == "demo-shared-secret"
    monkeypatch.setenv("KEFU_DEMO_SYSTEM_SECRET", "from-env")
    assert Settings(data_dir=tmp_path).demo_system_secret == "from-env"
