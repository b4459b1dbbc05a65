"""The demo business system over HTTP, with a frozen clock and requests signed as kefu signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from kefu.clock import FrozenClock
from kefu.demo_system.app import create_demo_system

SECRET = "test-demo-secret"
START = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai


def signed_headers(secret: str, body: bytes, timestamp: int, action: str, key: str | None) -> dict[str, str]:
    """Headers of the integration contract (written here from the contract, not imported from kefu)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-Kefu-Action": action,
        "X-Kefu-Timestamp": str(timestamp),
        "X-Kefu-Signature": f"sha256={mac}",
    }
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


class Caller:
    """Calls actions the way kefu does."""

    def __init__(self, client: TestClient, clock: FrozenClock) -> None:
        self.client = client
        self.clock = clock

    def raw(
        self,
        action: str,
        params: dict[str, Any],
        *,
        key: str | None = None,
        secret: str = SECRET,
        timestamp: int | None = None,
    ) -> httpx.Response:
        body = json.dumps(
            {
                "action": action,
                "params": params,
                "context": {"conversation_id": 7, "customer_id": 3, "flow": None, "locale": "zh-CN"},
            },
            ensure_ascii=False,
        ).encode()
        stamp = int(self.clock.now().timestamp()) if timestamp is None else timestamp
        return self.client.post(
            f"/api/actions/{action}", content=body, headers=signed_headers(secret, body, stamp, action, key)
        )

    def __call__(self, action: str, key: str | None = None, **params: Any) -> dict[str, Any]:
        response = self.raw(action, params, key=key)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def outbox(self, to: str | None = None) -> list[dict[str, Any]]:
        response = self.client.get("/api/outbox", params={"to": to} if to else None)
        assert response.status_code == 200
        messages: list[dict[str, Any]] = response.json()["messages"]
        return messages


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def client(tmp_path: Path, clock: FrozenClock) -> Iterator[TestClient]:
    app = create_demo_system(tmp_path / "data", SECRET, clock)
    with TestClient(app, client=("127.0.0.1", 50000)) as test_client:
        yield test_client


@pytest.fixture
def call(client: TestClient, clock: FrozenClock) -> Caller:
    return Caller(client, clock)
