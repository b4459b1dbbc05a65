"""Internal notes never reach the customer (REST history, sockets with catch-up, a channel's sender);
mentions reach only the mentioned colleague; collision frames go only to staff allowed to see."""

from __future__ import annotations

from typing import Any

from kefu.app import settle
from kefu.channels.base import Outbound
from kefu.channels.inbound import receive_text
from kefu.channels.parts import as_plain_text
from kefu.context import Context
from kefu.conversations import customers
from tests.conftest import new_visitor

SECRET = "机密词-ZEBRA-42"


def _token(persona) -> str:
    return str(persona.headers["Authorization"].split()[1])


def _conv(customer) -> int:
    return int(customer.post("/api/v1/visitor/conversations").json()["conversation"]["id"])


def _say(persona, conv: int, text: str) -> None:
    r = persona.post(f"/api/v1/conversations/{conv}/messages", json={"text": text})
    assert r.status_code == 200, r.text


def _user_id(persona) -> int:
    return int(persona.get("/api/v1/auth/me").json()["user"]["id"])


def _note(persona, conv: int, body: str, mention_ids: list[int] | None = None):
    return persona.post(f"/api/v1/conversations/{conv}/notes", json={"body": body, "mention_ids": mention_ids or []})


def _until(ws, test) -> list[dict[str, Any]]:
    """Frames up to and including the first one ``test`` accepts."""
    seen = []
    for _ in range(200):
        frame = ws.receive_json()
        seen.append(frame)
        if test(frame):
            return seen
    raise AssertionError("the expected frame never came")


def _is_text(text: str):
    return lambda f: f["type"] == "message" and f["message"]["text"] == text


def _taken(app, agent, text: str = "在吗") -> tuple[Any, int]:
    customer = new_visitor(app, "张三")
    conv = _conv(customer)
    _say(customer, conv, text)
    assert agent.post(f"/api/v1/conversations/{conv}/take").status_code == 200
    return customer, conv


def test_a_note_is_staff_only_on_rest_and_on_every_socket(app, agent1, agent2, admin):
    customer, conv = _taken(app, agent1)
    with customer.websocket_connect(f"/ws?token={_token(customer)}") as live:
        assert live.receive_json()["type"] == "hello"
        live.send_json({"type": "subscribe", "conversation_id": conv, "after_seq": 0})
        _until(live, lambda f: f["type"] == "subscribed")
        r = _note(agent1, conv, f"客户说的订单号不对，{SECRET}")
        assert r.status_code == 200, r.text
        note = r.json()["note"]
        assert note["author_name"] == "小王"
        assert note["after_seq"] >= 1
        _say(agent1, conv, "哨兵回复")
        frames = _until(live, _is_text("哨兵回复"))
        assert SECRET not in str(frames)
        assert all(f["type"] != "note" for f in frames)
    # REST: the customer's history and the notes route.
    history = customer.get(f"/api/v1/conversations/{conv}/messages?limit=200").json()
    assert SECRET not in str(history)
    assert customer.get(f"/api/v1/conversations/{conv}/notes").status_code == 403
    assert customer.post(f"/api/v1/conversations/{conv}/notes", json={"body": "x"}).status_code == 403
    # Catch-up after a reconnect, from the start.
    with customer.websocket_connect(f"/ws?token={_token(customer)}") as again:
        assert again.receive_json()["type"] == "hello"
        again.send_json({"type": "subscribe", "conversation_id": conv, "after_seq": 0})
        caught = _until(again, lambda f: f["type"] == "subscribed")
        assert "哨兵回复" in str(caught)
        assert SECRET not in str(caught)
        again.send_json({"type": "view", "conversation_id": conv})  # staff-only frames are refused
        assert _until(again, lambda f: f["type"] == "error")[-1]["code"] == "forbidden"
    # Staff: the author, a supervisor; not a colleague who may not see the conversation.
    assert SECRET in agent1.get(f"/api/v1/conversations/{conv}/notes").json()["notes"][0]["body"]
    assert SECRET in admin.get(f"/api/v1/conversations/{conv}/notes").json()["notes"][0]["body"]
    assert agent2.get(f"/api/v1/conversations/{conv}/notes").status_code == 404
    assert _note(agent2, conv, "看不到也写不了").status_code == 404
    assert _note(agent1, conv, "   ").json()["error"]["code"] == "note_empty"


def test_a_following_agent_socket_gets_the_note_live(app, agent1, admin):
    _customer, conv = _taken(app, agent1)
    with admin.websocket_connect("/ws") as boss:
        assert boss.receive_json()["type"] == "hello"
        boss.send_json({"type": "subscribe", "conversation_id": conv, "after_seq": 0})
        _until(boss, lambda f: f["type"] == "subscribed")
        assert _note(agent1, conv, "请主管看一下").status_code == 200
        frame = _until(boss, lambda f: f["type"] == "note")[-1]
        assert frame["note"]["body"] == "请主管看一下"
        assert "scope" not in frame


def test_notes_never_reach_a_text_channels_sender(app, agent1):
    sent: list[str] = []

    class Recorder:
        name = "sms-notes"
        live = False

        async def send(self, ctx: Context, message: Outbound) -> None:
            sent.append(as_plain_text(message.parts, reply_prompt=""))

    app.app.state.channels.add(Recorder())
    ctx: Context = app.app.state.ctx

    async def inbound() -> int:
        customer = await customers.identify(ctx, "sms-notes", "13800000001")
        message, _ = await receive_text(ctx, customer, "我要退款", client_msg_id="sms-n-1")
        await settle(app.app)
        return message.conversation_id

    conv = app.portal.call(inbound)
    assert agent1.post(f"/api/v1/conversations/{conv}/take").status_code == 200
    assert _note(agent1, conv, f"内部：{SECRET}").status_code == 200
    _say(agent1, conv, "您好，正在为您处理")
    app.portal.call(settle, app.app)
    assert any("正在为您处理" in text for text in sent)
    assert all(SECRET not in text for text in sent)


def test_a_mention_notifies_only_the_mentioned_colleague(app, agent1, agent2, admin):
    _customer, conv = _taken(app, agent1)
    with admin.websocket_connect("/ws") as boss, agent2.websocket_connect("/ws") as other:
        assert boss.receive_json()["type"] == "hello"
        assert other.receive_json()["type"] == "hello"
        # The colleague in another group may not see the conversation: not offered, refused.
        names = [u["display_name"] for u in agent1.get(f"/api/v1/conversations/{conv}/mentionable").json()["users"]]
        assert "管理员" in names
        assert "小李" not in names
        assert "小王" not in names
        refused = _note(agent1, conv, "小李来看看", [_user_id(agent2)])
        assert refused.status_code == 422
        assert refused.json()["error"]["code"] == "mention_not_allowed"
        assert _note(agent1, conv, "@管理员 这个客户要求赔偿").status_code == 200
        mention = _until(boss, lambda f: f["type"] == "mention")[-1]
        assert mention["conversation_id"] == conv
        assert mention["by_name"] == "小王"
        assert "赔偿" in mention["excerpt"]
        # agent2's socket got no mention: a sentinel it does receive (a new customer queueing).
        sentinel_customer = new_visitor(app, "哨兵")
        _say(sentinel_customer, _conv(sentinel_customer), "哨兵消息")
        frames = _until(other, _is_text("哨兵消息"))
        assert all(f["type"] not in ("mention", "note") for f in frames)
    listed = admin.get("/api/v1/mentions").json()
    assert listed["unread"] == 1
    assert listed["mentions"][0]["conversation_id"] == conv
    assert agent2.get("/api/v1/mentions").json()["mentions"] == []
    assert admin.post("/api/v1/mentions/read", json={"conversation_id": conv}).json()["marked"] == 1
    assert admin.get("/api/v1/mentions").json()["unread"] == 0
    assert len(admin.get("/api/v1/mentions?unread=false").json()["mentions"]) == 1


def test_collision_viewers_and_typing_reach_only_allowed_staff(app, agent1, agent2, admin):
    customer, conv = _taken(app, agent1)
    me = _user_id(agent1)
    with (
        agent1.websocket_connect("/ws") as mine,
        admin.websocket_connect("/ws") as boss,
        agent2.websocket_connect("/ws") as other,
        customer.websocket_connect(f"/ws?token={_token(customer)}") as cust,
    ):
        for ws in (mine, boss, other, cust):
            assert ws.receive_json()["type"] == "hello"
        cust.send_json({"type": "subscribe", "conversation_id": conv, "after_seq": 0})
        _until(cust, lambda f: f["type"] == "subscribed")
        for ws in (mine, boss):
            ws.send_json({"type": "subscribe", "conversation_id": conv, "after_seq": 0})
            ws.send_json({"type": "view", "conversation_id": conv})
        seen = _until(mine, lambda f: f["type"] == "viewers" and len(f["viewers"]) == 2)[-1]
        assert {v["name"] for v in seen["viewers"]} == {"小王", "管理员"}
        _until(boss, lambda f: f["type"] == "viewers" and len(f["viewers"]) == 2)
        # Without access: refused, and never told who views.
        other.send_json({"type": "view", "conversation_id": conv})
        assert _until(other, lambda f: f["type"] == "error")[-1]["code"] == "conversation_not_found"
        other.send_json({"type": "staff_typing", "conversation_id": conv, "area": "note"})
        assert _until(other, lambda f: f["type"] == "error")[-1]["code"] == "conversation_not_found"
        # The assignee types a reply: the customer sees the usual indicator, the supervisor who.
        mine.send_json({"type": "typing", "conversation_id": conv})
        typing = _until(boss, lambda f: f["type"] == "staff_typing")[-1]
        expected = {"type": "staff_typing", "conversation_id": conv, "user_id": me, "name": "小王", "area": "reply"}
        assert typing == expected
        assert _until(cust, lambda f: f["type"] == "typing")[-1]["sender_kind"] == "agent"
        # The supervisor types a note: agent1 is told; the customer is not.
        boss.send_json({"type": "staff_typing", "conversation_id": conv, "area": "note"})
        assert _until(mine, lambda f: f["type"] == "staff_typing")[-1]["area"] == "note"
        _say(agent1, conv, "哨兵回复")
        frames = _until(cust, _is_text("哨兵回复"))
        assert all(f["type"] not in ("staff_typing", "viewers", "note") for f in frames)
        # The supervisor leaves: agent1 is told.
        boss.send_json({"type": "view", "conversation_id": None})
        left = _until(mine, lambda f: f["type"] == "viewers" and len(f["viewers"]) == 1)[-1]
        assert left["viewers"][0]["name"] == "小王"
        sentinel_customer = new_visitor(app, "哨兵")
        _say(sentinel_customer, _conv(sentinel_customer), "哨兵消息")
        frames = _until(other, _is_text("哨兵消息"))
        assert all(f["type"] not in ("viewers", "staff_typing") for f in frames)
