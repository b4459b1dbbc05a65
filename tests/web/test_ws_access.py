"""An agent's socket receives nothing of a conversation that agent cannot open; supervisors see all."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from kefu.storage.tables import Conversation
from tests.conftest import new_visitor


def _conv(customer) -> int:
    return int(customer.post("/api/v1/visitor/conversations").json()["conversation"]["id"])


def _say(persona, conv: int, text: str) -> None:
    r = persona.post(f"/api/v1/conversations/{conv}/messages", json={"text": text})
    assert r.status_code == 200, r.text


def _to_bot(app, conv: int) -> None:
    """Put a conversation back in the bot's hands (the core tests run with the bot off)."""

    async def run() -> None:
        async with app.app.state.ctx.uow() as uow:
            await uow.session.execute(update(Conversation).where(Conversation.id == conv).values(status="bot"))
            await uow.commit()

    app.portal.call(run)


def _frames_until_text(ws, text: str) -> list[dict[str, Any]]:
    """Every frame up to and including the message with ``text`` (a sentinel the socket must receive)."""
    seen = []
    for _ in range(200):
        frame = ws.receive_json()
        seen.append(frame)
        if frame["type"] == "message" and frame["message"]["text"] == text:
            return seen
    raise AssertionError(f"never received {text!r}")


def _texts(frames: list[dict[str, Any]]) -> list[str]:
    return [f["message"]["text"] for f in frames if f["type"] == "message"]


def test_agent_sockets_get_no_message_of_conversations_they_cannot_open(app, agent1, agent2, admin):
    secret_bot = new_visitor(app, "机器人客户")
    bot_conv = _conv(secret_bot)
    _to_bot(app, bot_conv)
    colleague_customer = new_visitor(app, "小李的客户")
    colleague_conv = _conv(colleague_customer)
    _say(colleague_customer, colleague_conv, "排队中")
    assert agent2.post(f"/api/v1/conversations/{colleague_conv}/take").status_code == 200

    with agent1.websocket_connect("/ws") as ws1, admin.websocket_connect("/ws") as boss:
        assert ws1.receive_json()["type"] == "hello"
        assert boss.receive_json()["type"] == "hello"
        # agent1 may not open either conversation over REST …
        assert agent1.get(f"/api/v1/conversations/{bot_conv}/messages").status_code == 404
        assert agent1.get(f"/api/v1/conversations/{colleague_conv}/messages").status_code == 404
        # … nor follow them over the socket.
        ws1.send_json({"type": "subscribe", "conversation_id": colleague_conv, "after_seq": 0})
        assert ws1.receive_json()["code"] == "conversation_not_found"
        _say(secret_bot, bot_conv, "我的密码是 123456")
        _say(colleague_customer, colleague_conv, "我的银行卡号 6222020200001234567")
        # A sentinel agent1 may see: a new customer waiting in no group's queue.
        sentinel_customer = new_visitor(app, "新来的")
        sentinel = _conv(sentinel_customer)
        _say(sentinel_customer, sentinel, "哨兵消息")
        before_sentinel = _frames_until_text(ws1, "哨兵消息")
        assert _texts(before_sentinel) == ["哨兵消息"]
        leaked = [f for f in before_sentinel if f.get("conversation_id") in (bot_conv, colleague_conv)]
        leaked += [f for f in before_sentinel if f.get("conversation", {}).get("id") in (bot_conv, colleague_conv)]
        assert leaked == []
        # The supervisor monitors every live chat, by role.
        seen_by_boss = _texts(_frames_until_text(boss, "哨兵消息"))
        assert "我的密码是 123456" in seen_by_boss
        assert "我的银行卡号 6222020200001234567" in seen_by_boss


def test_a_follower_who_loses_access_stops_receiving(app, agent1, agent2, admin):
    customer = new_visitor(app, "转走的客户")
    conv = _conv(customer)
    assert agent1.post(f"/api/v1/conversations/{conv}/take").status_code == 200
    with agent1.websocket_connect("/ws") as ws1:
        assert ws1.receive_json()["type"] == "hello"
        ws1.send_json({"type": "subscribe", "conversation_id": conv, "after_seq": 0})
        while ws1.receive_json()["type"] != "subscribed":
            pass
        r = admin.post(f"/api/v1/routing/conversations/{conv}/reassign", json={"agent_id": _user_id(agent2)})
        assert r.status_code == 200, r.text
        _say(customer, conv, "转接以后的悄悄话")
        sentinel_customer = new_visitor(app, "哨兵")
        sentinel = _conv(sentinel_customer)
        _say(sentinel_customer, sentinel, "哨兵消息")
        frames = _frames_until_text(ws1, "哨兵消息")
        assert "转接以后的悄悄话" not in _texts(frames)
        assert {"type": "revoked", "conversation_id": conv} in frames


def _user_id(persona) -> int:
    return int(persona.get("/api/v1/auth/me").json()["user"]["id"])
