"""WebSocket delivery: catch-up after reconnect exactly once and in order, acks, typing, bad frames."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.conftest import new_visitor


def _token(persona) -> str:
    return str(persona.headers["Authorization"].split()[1])


def _conv(customer) -> int:
    return int(customer.post("/api/v1/visitor/conversations").json()["conversation"]["id"])


def _say(persona, conv: int, text: str) -> dict[str, Any]:
    r = persona.post(f"/api/v1/conversations/{conv}/messages", json={"text": text})
    assert r.status_code == 200, r.text
    return dict(r.json()["message"])


def _until(ws, kind: str) -> dict[str, Any]:
    for _ in range(50):
        frame = ws.receive_json()
        if frame["type"] == kind:
            return dict(frame)
    raise AssertionError(f"no {kind} frame")


def _messages_until_subscribed(ws) -> list[dict[str, Any]]:
    out = []
    while True:
        frame = ws.receive_json()
        if frame["type"] == "subscribed":
            return out
        if frame["type"] == "message":
            out.append(frame["message"])


def test_subscribe_catches_up_exactly_after_last_seq(customer):
    conv = _conv(customer)
    for i in range(1, 6):
        _say(customer, conv, f"第{i}条")
    with customer.websocket_connect(f"/ws?token={_token(customer)}") as ws:
        assert ws.receive_json()["type"] == "hello"
        ws.send_json({"type": "subscribe", "conversation_id": conv, "after_seq": 2})
        caught = _messages_until_subscribed(ws)
        assert [m["seq"] for m in caught] == [3, 4, 5]
        _say(customer, conv, "第6条")
        live = _until(ws, "message")
        assert live["message"]["seq"] == 6


def test_send_over_socket_acks_and_resend_is_a_no_op(customer):
    conv = _conv(customer)
    with customer.websocket_connect(f"/ws?token={_token(customer)}") as ws:
        _until(ws, "hello")
        ws.send_json({"type": "subscribe", "conversation_id": conv, "after_seq": 0})
        _messages_until_subscribed(ws)
        frame = {"type": "send", "conversation_id": conv, "client_msg_id": "m-1", "text": "你好"}
        ws.send_json(frame)
        ack = _until(ws, "ack")
        assert ack["duplicate"] is False
        assert ack["message"]["seq"] == 1
        ws.send_json(frame)
        again = _until(ws, "ack")
        assert again["duplicate"] is True
        assert again["message"]["id"] == ack["message"]["id"]
    assert len(customer.get(f"/api/v1/conversations/{conv}/messages").json()["messages"]) == 1


def test_agent_gets_live_messages_and_both_sides_see_typing(customer, agent1):
    conv = _conv(customer)
    _say(customer, conv, "在吗")
    assert agent1.post(f"/api/v1/conversations/{conv}/take").status_code == 200
    with (
        agent1.websocket_connect("/ws") as agent_ws,
        customer.websocket_connect(f"/ws?token={_token(customer)}") as customer_ws,
    ):
        assert _until(agent_ws, "hello")["kind"] == "agent"
        _until(customer_ws, "hello")
        agent_ws.send_json({"type": "subscribe", "conversation_id": conv, "after_seq": 0})
        assert [m["seq"] for m in _messages_until_subscribed(agent_ws)] == [1, 2]
        customer_ws.send_json({"type": "subscribe", "conversation_id": conv, "after_seq": 2})
        _messages_until_subscribed(customer_ws)
        customer_ws.send_json({"type": "typing", "conversation_id": conv})
        typing = _until(agent_ws, "typing")
        assert typing["sender_kind"] == "customer"
        agent_ws.send_json({"type": "typing", "conversation_id": conv})
        assert _until(customer_ws, "typing")["sender_name"] == "小王"
        agent_ws.send_json({"type": "send", "conversation_id": conv, "client_msg_id": "a-1", "text": "您好"})
        got = _until(customer_ws, "message")["message"]
        assert (got["sender_kind"], got["text"], got["seq"]) == ("agent", "您好", 3)
        customer_ws.send_json({"type": "read", "conversation_id": conv, "seq": 3})
        read = _until(agent_ws, "read")
        assert (read["reader"], read["seq"]) == ("customer", 3)


def test_agents_hear_about_new_and_taken_conversations(app, agent1, agent2):
    with agent1.websocket_connect("/ws") as ws1, agent2.websocket_connect("/ws") as ws2:
        _until(ws1, "hello")
        _until(ws2, "hello")
        visitor = new_visitor(app, "新客户")
        conv = _conv(visitor)
        created = _until(ws1, "conversation")
        assert (created["change"], created["conversation"]["id"]) == ("created", conv)
        _say(visitor, conv, "有人吗")
        assert _until(ws2, "message")["message"]["text"] == "有人吗"
        assert agent1.post(f"/api/v1/conversations/{conv}/take").status_code == 200
        taken = _until(ws1, "conversation")
        while taken["change"] != "assigned":
            taken = _until(ws1, "conversation")
        assert taken["conversation"]["assignee_name"] == "小王"
        # The colleague may no longer open it: told to drop it from the waiting list, with no content.
        assert _until(ws2, "revoked") == {"type": "revoked", "conversation_id": conv}


def test_bad_frames_get_errors_and_the_socket_stays_usable(customer):
    conv = _conv(customer)
    with customer.websocket_connect(f"/ws?token={_token(customer)}") as ws:
        _until(ws, "hello")
        bad_frames = [
            ("{not json", "bad_frame"),
            ("[1, 2]", "bad_frame"),
            ('{"type": "launch_rockets"}', "bad_frame"),
            ('{"type": "send", "conversation_id": "x", "text": "hi"}', "bad_frame"),
            ('{"type": "send", "conversation_id": %d, "text": ""}' % conv, "message_empty"),
            (
                '{"type": "send", "conversation_id": %d, "text": "%s"}' % (conv, "长" * 5001),
                "message_too_long",
            ),
            ('{"type": "send", "conversation_id": 999999, "text": "hi"}', "conversation_not_found"),
            ('{"type": "subscribe", "conversation_id": 999999}', "conversation_not_found"),
            ('{"type": "send", "conversation_id": 1, "text": "%s"}' % ("x" * 70_000), "frame_too_large"),
        ]
        for raw, code in bad_frames:
            ws.send_text(raw)
            error = _until(ws, "error")
            assert error["code"] == code, raw
        ws.send_json({"type": "ping"})
        assert _until(ws, "pong") == {"type": "pong"}
    assert customer.get(f"/api/v1/conversations/{conv}/messages").json()["messages"] == []


def test_foreign_conversation_cannot_be_subscribed(app, customer):
    other = new_visitor(app, "李四")
    conv = _conv(other)
    _say(other, conv, "私密内容")
    with customer.websocket_connect(f"/ws?token={_token(customer)}") as ws:
        _until(ws, "hello")
        ws.send_json({"type": "subscribe", "conversation_id": conv, "after_seq": 0})
        assert _until(ws, "error")["code"] == "conversation_not_found"
        _say(other, conv, "还是私密")
        ws.send_json({"type": "ping"})
        frame = ws.receive_json()
        assert frame["type"] == "pong"  # nothing about the other conversation arrived before it


def test_socket_without_credentials_is_refused(app, customer):
    from fastapi.testclient import TestClient

    anonymous = TestClient(app.app)
    anonymous.portal = app.portal
    with pytest.raises(WebSocketDisconnect) as info, anonymous.websocket_connect("/ws") as ws:
        ws.receive_json()
    assert info.value.code == 1008
    with pytest.raises(WebSocketDisconnect), anonymous.websocket_connect("/ws?token=v1.forged.token") as ws:
        ws.receive_json()


def test_cross_site_socket_with_agent_cookie_is_refused(agent1):
    headers = {"origin": "http://evil.example", "host": "testserver"}
    with pytest.raises(WebSocketDisconnect) as info, agent1.websocket_connect("/ws", headers=headers) as ws:
        ws.receive_json()
    assert info.value.code == 1008
