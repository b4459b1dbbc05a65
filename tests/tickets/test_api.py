"""The tickets REST API as the console and the widget use it (real app, demo data, personas)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import new_visitor

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def _open_and_take(customer: TestClient, agent: TestClient) -> int:
    conv = int(_ok(customer.post("/api/v1/visitor/conversations"))["conversation"]["id"])
    _ok(customer.post(f"/api/v1/conversations/{conv}/messages", json={"text": "耳机充不进电"}))
    _ok(agent.post(f"/api/v1/conversations/{conv}/take"))
    return conv


def test_chat_to_ticket_to_my_tickets_and_back(app: TestClient, agent1: TestClient, customer: TestClient) -> None:
    conv = _open_and_take(customer, agent1)
    made = _ok(agent1.post(f"/api/v1/conversations/{conv}/ticket", json={"type_key": "repair"}), 201)["ticket"]
    assert made["number"].startswith("T2026")
    assert made["title"] == "耳机充不进电"
    assert (made["source"], made["status"], made["type_key"]) == ("conversation", "open", "repair")
    ticket = made["id"]
    detail = _ok(agent1.get(f"/api/v1/tickets/{ticket}"))
    assert detail["conversation_ids"] == [conv]

    mine = _ok(customer.get("/api/v1/visitor/tickets"))["tickets"]
    assert [t["number"] for t in mine] == [made["number"]]
    assert "assignee_id" not in mine[0]

    _ok(agent1.post(f"/api/v1/tickets/{ticket}/replies", json={"body": "请寄回检测"}), 201)
    _ok(agent1.post(f"/api/v1/tickets/{ticket}/notes", json={"body": "内部备注：疑似电池问题"}), 201)
    chat = [m["text"] for m in _ok(customer.get(f"/api/v1/conversations/{conv}/messages"))["messages"]]
    assert chat[-1] == f"[{made['number']}] 请寄回检测"
    seen = _ok(customer.get(f"/api/v1/visitor/tickets/{ticket}"))
    assert [e["kind"] for e in seen["timeline"]] == ["created", "reply"]
    assert "内部备注" not in str(seen)

    _ok(customer.post(f"/api/v1/visitor/tickets/{ticket}/messages", json={"body": "已寄出，单号 SF123"}), 201)
    photo = customer.post(
        f"/api/v1/visitor/tickets/{ticket}/attachments", files={"file": ("fault.png", PNG, "image/png")}
    )
    event = _ok(photo, 201)["event"]
    assert event["data"]["attachment_name"] == "fault.png"
    assert "storage_path" not in event["data"]
    download = agent1.get(f"/api/v1/tickets/{ticket}/attachments/{event['id']}")
    assert download.status_code == 200
    assert download.content == PNG
    assert new_visitor(app).get(f"/api/v1/tickets/{ticket}/attachments/{event['id']}").status_code == 404

    _ok(agent1.patch(f"/api/v1/tickets/{ticket}", json={"status": "resolved"}))
    closed = _ok(customer.post(f"/api/v1/visitor/tickets/{ticket}/confirm"))["ticket"]
    assert closed["status"] == "closed"
    reopened = _ok(customer.post(f"/api/v1/visitor/tickets/{ticket}/reopen", json={"body": "又坏了"}))["ticket"]
    assert reopened["status"] == "open"


def test_others_see_nothing(app: TestClient, agent1: TestClient, agent2: TestClient, customer: TestClient) -> None:
    conv = _open_and_take(customer, agent1)
    ticket = _ok(agent1.post(f"/api/v1/conversations/{conv}/ticket", json={}), 201)["ticket"]["id"]
    stranger = new_visitor(app, "李四")
    assert stranger.get(f"/api/v1/visitor/tickets/{ticket}").status_code == 404
    assert _ok(stranger.get("/api/v1/visitor/tickets"))["tickets"] == []
    assert customer.get(f"/api/v1/tickets/{ticket}").status_code == 403  # the agents' API is for agents
    # agent1's ticket of no group: a colleague of another group neither sees nor touches it
    assert agent2.get(f"/api/v1/tickets/{ticket}").status_code == 404
    assert agent2.post(f"/api/v1/tickets/{ticket}/notes", json={"body": "x"}).status_code == 404
    assert _ok(agent2.get("/api/v1/tickets"))["tickets"] == []


def test_a_complaint_cannot_be_closed_without_a_resolution(agent1: TestClient, admin: TestClient) -> None:
    body = {"type_key": "complaint", "title": "投诉快递", "customer_phone": "13900001111", "customer_name": "王五"}
    ticket = _ok(agent1.post("/api/v1/tickets", json=body), 201)["ticket"]
    assert (ticket["source"], ticket["fields"]["phone"], ticket["customer_name"]) == ("console", "13900001111", "王五")
    refused = agent1.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": "closed"})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "resolution_required"
    done = agent1.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": "closed", "resolution": "已补发并致歉"})
    assert _ok(done)["ticket"]["status"] == "closed"
    follow_ups = _ok(admin.get("/api/v1/follow-ups"))["follow_ups"]
    assert [f["ticket_id"] for f in follow_ups] == [ticket["id"]]
    again = _ok(agent1.post("/api/v1/tickets", json={**body, "title": "再次投诉"}), 201)["ticket"]
    assert again["customer_id"] == ticket["customer_id"]  # the same caller, found by phone


def test_search_views_bulk_and_pages(agent1: TestClient, admin: TestClient) -> None:
    ids = []
    for i in range(3):
        body = {
            "type_key": "refund",
            "fields": {"order_no": f"NO{i}", "amount": "9"},
            "customer_phone": f"1380000000{i}",
        }
        ids.append(_ok(agent1.post("/api/v1/tickets", json=body), 201)["ticket"]["id"])
    assert (
        agent1.post("/api/v1/tickets", json={"type_key": "refund", "customer_phone": "13800000009"}).status_code == 422
    )
    found = _ok(agent1.get("/api/v1/tickets", params={"q": "NO1"}))["tickets"]
    assert [t["id"] for t in found] == [ids[1]]
    assert [t["id"] for t in _ok(agent1.get("/api/v1/tickets", params={"q": "13800000002"}))["tickets"]] == [ids[2]]
    page = _ok(agent1.get("/api/v1/tickets", params={"type": "refund", "limit": 2}))
    assert [t["id"] for t in page["tickets"]] == [ids[2], ids[1]]
    rest = _ok(agent1.get("/api/v1/tickets", params={"type": "refund", "limit": 2, "before": page["next_before"]}))
    assert [t["id"] for t in rest["tickets"]] == [ids[0]]
    bulk = _ok(admin.post("/api/v1/tickets/bulk", json={"ticket_ids": ids, "status": "closed"}))
    assert sorted(bulk["changed"]) == sorted(ids)
    assert bulk["failed"] == {}
    assert _ok(agent1.get("/api/v1/tickets", params={"view": "unassigned"}))["tickets"] == []
    assert agent1.get("/api/v1/tickets", params={"view": "nope"}).status_code == 422


def test_follow_ups_types_policies_and_holidays(agent1: TestClient, admin: TestClient, clock: Any) -> None:
    ticket = _ok(agent1.post("/api/v1/tickets", json={"customer_phone": "13700000000", "title": "回访测试"}), 201)
    tid = ticket["ticket"]["id"]
    made = _ok(agent1.post(f"/api/v1/tickets/{tid}/follow-ups", json={"in_days": 3, "note": "3 天后回访"}), 201)
    assert _ok(agent1.get("/api/v1/follow-ups", params={"due": 1}))["follow_ups"] == []
    clock.advance(days=3, minutes=1)
    due = _ok(agent1.get("/api/v1/follow-ups", params={"due": 1}))["follow_ups"]
    assert [f["id"] for f in due] == [made["follow_up"]["id"]]
    _ok(agent1.post(f"/api/v1/follow-ups/{made['follow_up']['id']}/done"))
    assert _ok(agent1.get("/api/v1/follow-ups", params={"due": 1}))["follow_ups"] == []

    types = {t["key"]: t for t in _ok(agent1.get("/api/v1/ticket-types"))["types"]}
    assert [f["key"] for f in types["repair"]["fields"]] == ["model", "serial", "purchase_date"]
    assert types["complaint"]["name"] == "投诉"
    assert agent1.post("/api/v1/ticket-types", json={"key": "x", "name": "X"}).status_code == 403
    new = {
        "key": "invoice",
        "name": "发票",
        "fields": [{"key": "title", "label": "抬头", "type": "text", "required": True}],
    }
    assert _ok(admin.post("/api/v1/ticket-types", json=new), 201)["type"]["fields"][0]["required"] is True
    assert _ok(admin.patch("/api/v1/ticket-types/invoice", json={"enabled": False}))["type"]["enabled"] is False

    policy = _ok(admin.post("/api/v1/sla-policies", json={"type_key": "repair", "first_response_minutes": 60}), 201)
    assert agent1.post("/api/v1/sla-policies", json={}).status_code == 403
    assert [p["id"] for p in _ok(agent1.get("/api/v1/sla-policies"))["policies"]] == [policy["policy"]["id"]]
    assert admin.delete(f"/api/v1/sla-policies/{policy['policy']['id']}").status_code == 204
    holiday = _ok(admin.post("/api/v1/holidays", json={"day": "2026-10-01", "name": "国庆"}), 201)["holiday"]
    assert _ok(admin.get("/api/v1/holidays"))["holidays"] == [holiday]
    assert admin.post("/api/v1/holidays", json={"day": "10/01"}).status_code == 422
