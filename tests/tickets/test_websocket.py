"""Ticket frames over the WebSocket follow the tickets' access policy: the assignee and supervisors
hear every line, the customer only what is meant for them, an agent of another group nothing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def _until(ws: Any, kind: str, **match: Any) -> dict[str, Any]:
    for _ in range(100):
        frame: dict[str, Any] = ws.receive_json()
        if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
            return frame
    raise AssertionError(f"no {kind} frame")


def test_ticket_frames_reach_whom_the_policy_allows(
    agent1: TestClient, agent2: TestClient, admin: TestClient, customer: TestClient
) -> None:
    conv = int(customer.post("/api/v1/visitor/conversations").json()["conversation"]["id"])
    customer.post(f"/api/v1/conversations/{conv}/messages", json={"text": "需要开发票"})
    assert agent1.post(f"/api/v1/conversations/{conv}/take").status_code == 200
    token = customer.headers["Authorization"].split()[1]
    with (
        agent1.websocket_connect("/ws") as mine,
        agent2.websocket_connect("/ws") as other,
        admin.websocket_connect("/ws") as boss,
        customer.websocket_connect(f"/ws?token={token}") as widget,
    ):
        for ws in (mine, other, boss, widget):
            _until(ws, "hello")
        ticket = agent1.post(f"/api/v1/conversations/{conv}/ticket", json={"type_key": "complaint"}).json()["ticket"]
        assert _until(boss, "ticket_alert")["kind"] == "complaint"
        assert _until(mine, "ticket")["ticket"]["number"] == ticket["number"]
        agent1.post(f"/api/v1/tickets/{ticket['id']}/notes", json={"body": "内部：老客户"})
        agent1.post(f"/api/v1/tickets/{ticket['id']}/replies", json={"body": "已安排开票", "post_to_chat": False})
        assert _until(mine, "ticket_event", internal=True)["event"]["body"] == "内部：老客户"
        assert _until(boss, "ticket_event", internal=True)["event"]["kind"] == "note"
        seen = _until(widget, "ticket_event")
        while seen["event"]["kind"] != "reply":
            assert not seen["internal"]
            seen = _until(widget, "ticket_event")
        assert seen["event"]["body"] == "已安排开票"
        assert "customer_id" not in seen  # routing data stays on the server
        # the colleague of another group: a marker frame proves nothing about tickets came before it
        assert agent2.put("/api/v1/routing/presence", json={"status": "away"}).status_code == 200
        frame = other.receive_json()
        while frame["type"] != "presence":
            assert not frame["type"].startswith("ticket"), frame
            frame = other.receive_json()
