"""Routing over HTTP and WebSocket: presence, queue status and live position, take, transfer, 留言, supervisor."""

from __future__ import annotations

from typing import Any

from tests.conftest import new_visitor


def _token(persona) -> str:
    return str(persona.headers["Authorization"].split()[1])


def _open(customer) -> int:
    return int(customer.post("/api/v1/visitor/conversations").json()["conversation"]["id"])


def _until(ws, kind: str) -> dict[str, Any]:
    for _ in range(100):
        frame = ws.receive_json()
        if frame["type"] == kind:
            return dict(frame)
    raise AssertionError(f"no {kind} frame")


def _user_id(persona) -> int:
    return int(persona.get("/api/v1/routing/presence").json()["presence"]["user_id"])


def _presence(persona, **body: Any) -> dict[str, Any]:
    response = persona.put("/api/v1/routing/presence", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json()["presence"])


def test_presence_starts_offline_and_is_set_by_the_agent(agent1, admin):
    assert agent1.get("/api/v1/routing/presence").json()["presence"]["status"] == "offline"
    assert _presence(agent1, status="online")["status"] == "online"
    assert agent1.put("/api/v1/routing/presence", json={"status": "busy"}).status_code == 422
    assert agent1.put("/api/v1/routing/presence", json={"capacity": 9}).status_code == 403
    assert _presence(admin, user_id=_user_id(agent1), capacity=2)["capacity"] == 2


def test_queue_position_goes_from_2_to_1_to_assigned(app, agent1, admin):
    _presence(admin, user_id=_user_id(agent1), capacity=1)
    first, second = new_visitor(app, "甲"), new_visitor(app, "乙")
    first_conv, second_conv = _open(first), _open(second)
    status = second.get(f"/api/v1/routing/conversations/{second_conv}/queue").json()["queue"]
    assert (status["position"], status["state"], status["leave_message"]) == (2, "no_agents", True)
    with second.websocket_connect(f"/ws?token={_token(second)}") as ws:
        _until(ws, "hello")
        ws.send_json({"type": "subscribe", "conversation_id": second_conv, "after_seq": 0})
        _until(ws, "subscribed")
        _presence(agent1, status="online")  # the first customer is assigned; the second moves up
        frame = _until(ws, "queue")
        while frame["position"] != 1 or frame["state"] != "waiting":
            frame = _until(ws, "queue")
        assert frame["conversation_id"] == second_conv
        assert frame["text"].startswith("您是下一位，预计等待")
        assert agent1.post(f"/api/v1/conversations/{first_conv}/close").status_code == 200
        changed = _until(ws, "conversation")
        while changed["change"] != "assigned":
            changed = _until(ws, "conversation")
        assert changed["conversation"]["assignee_name"] == "小王"
    status = second.get(f"/api/v1/routing/conversations/{second_conv}/queue").json()["queue"]
    assert (status["status"], status["position"]) == ("assigned", 0)


def test_take_respects_capacity_and_supervisors_may_exceed_it(app, agent1, admin):
    _presence(admin, user_id=_user_id(agent1), capacity=1)
    convs = [_open(new_visitor(app)) for _ in range(3)]
    assert agent1.post(f"/api/v1/conversations/{convs[0]}/take").status_code == 200
    refused = agent1.post(f"/api/v1/conversations/{convs[1]}/take")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "at_capacity")
    assert admin.post(f"/api/v1/conversations/{convs[1]}/take").status_code == 200
    assert admin.post("/api/v1/routing/queues/next").json()["conversation"]["id"] == convs[2]
    assert admin.post("/api/v1/routing/queues/next").json()["conversation"] is None


def test_transfer_and_reassign_over_http(app, agent1, agent2, admin):
    customer = new_visitor(app, "转接")
    conv = _open(customer)
    assert agent1.post(f"/api/v1/conversations/{conv}/take").status_code == 200
    _presence(agent2, status="online")
    body = {"agent_id": _user_id(agent2), "note": "支付问题，请跟进"}
    moved = agent1.post(f"/api/v1/routing/conversations/{conv}/transfer", json=body)
    assert moved.status_code == 200, moved.text
    assert moved.json()["conversation"]["assignee_name"] == "小李"
    notes = agent2.get(f"/api/v1/routing/conversations/{conv}/transfers").json()["transfers"]
    assert [n["note"] for n in notes] == ["支付问题，请跟进"]
    texts = [m["text"] for m in customer.get(f"/api/v1/conversations/{conv}/messages").json()["messages"]]
    assert texts[-1] == "已为您转接至客服 小李，请稍候。"
    listed = {a["display_name"]: a for a in agent1.get("/api/v1/routing/agents").json()["agents"]}
    assert (listed["小李"]["status"], listed["小李"]["load"], listed["小李"]["available"]) == ("online", 1, True)
    assert agent2.post(f"/api/v1/routing/conversations/{conv}/reassign", json={"agent_id": 1}).status_code == 403
    back = admin.post(f"/api/v1/routing/conversations/{conv}/reassign", json={"agent_id": _user_id(agent1)})
    assert back.json()["conversation"]["assignee_name"] == "小王"


def test_leave_a_message_and_answer_it(app, agent1, customer):
    conv = _open(customer)
    body = {"text": "账号被盗了", "contact": "13900000000", "conversation_id": conv}
    left = customer.post("/api/v1/routing/leave-messages", json=body)
    assert left.status_code == 200, left.text
    message_id = left.json()["leave_message"]["id"]
    assert agent1.post("/api/v1/routing/leave-messages", json=body).status_code == 403
    listed = agent1.get("/api/v1/routing/leave-messages?status=open").json()["leave_messages"]
    assert [m["id"] for m in listed] == [message_id]
    assigned = agent1.post(f"/api/v1/routing/leave-messages/{message_id}/assign", json={}).json()
    assert assigned["leave_message"]["status"] == "assigned"
    answer = agent1.post(f"/api/v1/routing/leave-messages/{message_id}/answer", json={"text": "已为您冻结账号"})
    assert answer.json()["leave_message"]["status"] == "answered"
    mine = customer.get("/api/v1/routing/leave-messages").json()["leave_messages"]
    assert mine[0]["answer"] == "已为您冻结账号"
    again = _open(customer)
    texts = [m["text"] for m in customer.get(f"/api/v1/conversations/{again}/messages").json()["messages"]]
    assert texts == ["客服 小王 回复了您的留言「账号被盗了」：已为您冻结账号"]


def test_supervisor_overview_and_group_settings(app, agent1, admin):
    _presence(agent1, status="away")
    _open(new_visitor(app))
    data = admin.get("/api/v1/routing/overview").json()
    assert {g["name"] for g in data["groups"]} >= {"账号安全", "支付售后"}
    assert data["queues"][0]["group_id"] is None
    assert data["queues"][0]["length"] == 1
    me = next(a for a in data["agents"] if a["display_name"] == "小王")
    assert (me["status"], me["group_names"]) == ("away", ["账号安全"])
    assert agent1.get("/api/v1/routing/overview").status_code == 403
    groups = admin.get("/api/v1/routing/groups").json()["groups"]
    group_id = next(g["id"] for g in groups if g["name"] == "账号安全")
    hours = {"timezone": "Asia/Shanghai", "weekly": {"mon": ["09:00-12:00", "13:30-21:00"]}, "holidays": []}
    changed = admin.patch(
        f"/api/v1/routing/groups/{group_id}", json={"strategy": "round_robin", "hours": hours, "sla_seconds": 120}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["group"]["strategy"], changed.json()["group"]["hours"]) == ("round_robin", hours)
    bad = admin.patch(f"/api/v1/routing/groups/{group_id}", json={"hours": {"weekly": {"mon": ["21:00-09:00"]}}})
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "bad_hours")
    assert agent1.patch(f"/api/v1/routing/groups/{group_id}", json={"sla_seconds": 60}).status_code == 403
    opened = admin.patch(f"/api/v1/routing/groups/{group_id}", json={"always_open": True}).json()["group"]
    assert opened["hours"] is None


def test_agent_websocket_counts_as_a_connection(agent1):
    with agent1.websocket_connect("/ws") as ws:
        _until(ws, "hello")
        assert agent1.get("/api/v1/routing/presence").json()["presence"]["connections"] == 1
        _presence(agent1, status="online")
        assert _until(ws, "presence")["status"] == "online"
    for _ in range(500):  # the server notices the closed socket on its own loop
        if agent1.get("/api/v1/routing/presence").json()["presence"]["connections"] == 0:
            break
    else:
        raise AssertionError("the closed connection was not counted")
