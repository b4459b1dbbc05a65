"""Overload slows, never drops: a send the writer has no room for is answered with a retryable
``error`` frame on a socket that stays open, and resending the same frame stores it exactly once."""

from __future__ import annotations

from typing import Any

import pytest

from kefu.config import Settings
from tests.conftest import new_visitor


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A writer with room for one send and no waiting: concurrent sends collide."""
    return settings.model_copy(update={"message_max_in_flight": 1, "message_wait_seconds": 0.0})


def _frame(conv: int, key: str) -> dict[str, Any]:
    return {"type": "send", "conversation_id": conv, "client_msg_id": key, "text": f"消息 {key}"}


def test_overloaded_sends_get_a_retryable_error_and_resends_store_each_once(app) -> None:
    visitors = [new_visitor(app, f"客户{i}") for i in range(4)]
    convs = [int(v.post("/api/v1/visitor/conversations").json()["conversation"]["id"]) for v in visitors]
    sockets = [v.websocket_connect(f"/ws?token={v.headers['Authorization'].split()[1]}") for v in visitors]
    opened = [s.__enter__() for s in sockets]
    try:
        for ws in opened:
            assert ws.receive_json()["type"] == "hello"
        per_socket = 10
        for i, ws in enumerate(opened):  # everything first, so the server works on all sockets at once
            for n in range(per_socket):
                ws.send_json(_frame(convs[i], f"s{i}-{n}"))
        errors = 0
        for i, ws in enumerate(opened):
            acked: set[str] = set()
            outstanding = per_socket
            for _ in range(50 * per_socket):  # bounded; each pass reads one frame
                if not outstanding:
                    break
                frame = ws.receive_json()
                if frame["type"] == "ack":
                    outstanding -= 1
                    assert frame["client_msg_id"] not in acked
                    acked.add(frame["client_msg_id"])
                elif frame["type"] == "error":
                    assert (frame["code"], frame["retryable"]) == ("overloaded", True)
                    errors += 1
                    ws.send_json(_frame(convs[i], frame["client_msg_id"]))  # the widget's resend
            assert acked == {f"s{i}-{n}" for n in range(per_socket)}
            ws.send_json({"type": "ping"})  # the socket is still open and serving
            while (frame := ws.receive_json())["type"] != "pong":
                pass
        for visitor, conv in zip(visitors, convs, strict=True):
            messages = visitor.get(f"/api/v1/conversations/{conv}/messages").json()["messages"]
            assert [m["seq"] for m in messages] == list(range(1, per_socket + 1))
            assert len({m["client_msg_id"] for m in messages}) == per_socket
    finally:
        for s in sockets:
            s.__exit__(None, None, None)
