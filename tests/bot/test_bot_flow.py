"""The bot end to end through the real app and database, with the demo knowledge base."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from kefu.app import settle
from kefu.bot import knowledge
from kefu.bot.evaluation import Evaluation, load_kb
from tests.conftest import _persona, login, new_visitor
from tests.support import ADMIN, AGENT1


def _drain(app: TestClient) -> None:
    app.portal.call(settle, app.app)  # type: ignore[union-attr, arg-type]


def _ask(app: TestClient, customer: TestClient, conv: int, text: str, **extra: Any) -> list[dict[str, Any]]:
    """Send a customer message and return the bot's replies to it."""
    sent = customer.post(f"/api/v1/conversations/{conv}/messages", json={"text": text, **extra})
    assert sent.status_code == 200, sent.text
    _drain(app)
    after = sent.json()["message"]["seq"]
    messages = customer.get(f"/api/v1/conversations/{conv}/messages", params={"after_seq": after}).json()["messages"]
    return [m for m in messages if m["sender_kind"] == "bot"]


def _start(app: TestClient, name: str = "张三") -> tuple[TestClient, int]:
    customer = new_visitor(app, name)
    conv = customer.post("/api/v1/visitor/conversations").json()["conversation"]
    assert conv["status"] == "bot"
    return customer, int(conv["id"])


def test_paraphrased_question_is_answered_from_the_knowledge_base(bot_app: TestClient) -> None:
    customer, conv = _start(bot_app)
    (reply,) = _ask(bot_app, customer, conv, "密码想不起来了怎么办")
    assert reply["meta"]["kind"] == "answer"
    assert reply["meta"]["question"] == "忘记密码怎么办"
    assert "忘记密码" in reply["text"]
    status = customer.get(f"/api/v1/conversations/{conv}").json()["conversation"]["status"]
    assert status == "bot"


def test_english_question_is_answered(bot_app: TestClient) -> None:
    customer, conv = _start(bot_app)
    (reply,) = _ask(bot_app, customer, conv, "how do I get an invoice")
    assert reply["meta"]["question"] == "怎么开发票"


def test_vague_question_gets_suggestions_and_a_click_answers(bot_app: TestClient) -> None:
    customer, conv = _start(bot_app)
    (reply,) = _ask(bot_app, customer, conv, "游戏好卡")
    assert reply["meta"]["kind"] == "clarify"
    suggestions = reply["meta"]["suggestions"]
    assert 2 <= len(suggestions) <= 3
    choice = suggestions[1]
    (answer,) = _ask(bot_app, customer, conv, choice["question"], pick_entry_id=choice["entry_id"])
    assert answer["meta"]["entry_id"] == choice["entry_id"]


def test_asking_for_a_person_queues_the_conversation_with_the_reason(bot_app: TestClient) -> None:
    customer, conv = _start(bot_app)
    _ask(bot_app, customer, conv, "密码想不起来了怎么办")
    replies = _ask(bot_app, customer, conv, "转人工")
    assert replies[-1]["meta"]["kind"] == "handover"
    agent = _persona(bot_app)
    login(agent, AGENT1)
    found = agent.get(f"/api/v1/conversations/{conv}").json()["conversation"]
    assert found["status"] in ("queued", "assigned")
    assert found["handover_reason"] == "customer_request"
    assert found["skill_group_name"] == "账号安全"
    texts = [m["text"] for m in agent.get(f"/api/v1/conversations/{conv}/messages").json()["messages"]]
    assert any("忘记密码" in t for t in texts)  # the agent sees what the bot said


def test_money_matters_are_answered_then_handed_over(bot_app: TestClient) -> None:
    customer, conv = _start(bot_app)
    replies = _ask(bot_app, customer, conv, "账号被冻结了怎么办")
    assert [r["meta"]["kind"] for r in replies] == ["answer", "handover"]
    found = customer.get(f"/api/v1/conversations/{conv}").json()["conversation"]
    assert found["handover_reason"] == "sensitive_topic"


def test_unknown_question_is_declined_and_recorded(bot_app: TestClient) -> None:
    customer, conv = _start(bot_app)
    (reply,) = _ask(bot_app, customer, conv, "量子力学的薛定谔方程怎么解")
    assert reply["meta"]["kind"] == "decline"
    admin = _persona(bot_app)
    login(admin, ADMIN)
    missed = admin.get("/api/v1/bot/missed").json()["missed"]
    assert [m["text"] for m in missed] == ["量子力学的薛定谔方程怎么解"]
    replies = _ask(bot_app, customer, conv, "黑洞的霍金辐射是什么原理")
    assert replies[-1]["meta"]["kind"] == "handover"
    assert customer.get(f"/api/v1/conversations/{conv}").json()["conversation"]["status"] != "bot"


def test_feedback_on_answers(bot_app: TestClient) -> None:
    customer, conv = _start(bot_app)
    (answer,) = _ask(bot_app, customer, conv, "会员多少钱")
    url = f"/api/v1/conversations/{conv}/feedback"
    assert customer.post(url, json={"message_id": answer["id"], "helpful": True}).status_code == 200
    again = customer.post(url, json={"message_id": answer["id"], "helpful": False})
    assert again.status_code == 409
    (second,) = _ask(bot_app, customer, conv, "怎么开发票")
    assert customer.post(url, json={"message_id": second["id"], "helpful": False}).status_code == 200
    _drain(bot_app)
    last = customer.get(f"/api/v1/conversations/{conv}/messages", params={"limit": 1}).json()["messages"][0]
    assert last["sender_kind"] == "bot"
    assert last["meta"]["kind"] in ("clarify", "handover")
    other = new_visitor(bot_app)
    assert other.post(url, json={"message_id": second["id"], "helpful": False}).status_code == 404


def test_knowledge_edits_take_effect_at_once(bot_app: TestClient) -> None:
    admin = _persona(bot_app)
    login(admin, ADMIN)
    entry = {
        "question": "星海传说新赛季什么时候开始",
        "similar": ["新赛季开服时间", "S5赛季几号开"],
        "answer": "新赛季将于 3 月 15 日 10:00 开启。",
        "category": "游戏",
    }
    created = admin.post("/api/v1/kb/entries", json=entry)
    assert created.status_code == 200, created.text
    _drain(bot_app)
    customer, conv = _start(bot_app)
    (reply,) = _ask(bot_app, customer, conv, "新赛季几号开服")
    assert reply["meta"]["entry_id"] == created.json()["entry"]["id"]
    entry_id = created.json()["entry"]["id"]
    assert admin.post(f"/api/v1/kb/entries/{entry_id}/enabled", json={"enabled": False}).status_code == 200
    _drain(bot_app)
    (reply,) = _ask(bot_app, customer, conv, "新赛季几号开服")
    assert reply["meta"].get("entry_id") != entry_id


def test_agents_cannot_edit_and_bad_entries_are_refused(bot_app: TestClient) -> None:
    agent = _persona(bot_app)
    login(agent, AGENT1)
    assert agent.post("/api/v1/kb/entries", json={"question": "q", "answer": "a"}).status_code == 403
    assert agent.get("/api/v1/kb/entries", params={"q": "密码"}).json()["total"] >= 1
    admin = _persona(bot_app)
    login(admin, ADMIN)
    bad = admin.post("/api/v1/kb/entries", json={"question": " ", "answer": "a"})
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "bad_entry"
    assert (
        admin.post("/api/v1/kb/entries", json={"question": "q", "answer": "a", "group": "没有这个组"}).status_code
        == 422
    )
    assert admin.put("/api/v1/kb/entries/999999", json={"question": "q", "answer": "a"}).status_code == 404


def test_small_talk(bot_app: TestClient) -> None:
    customer, conv = _start(bot_app)
    (reply,) = _ask(bot_app, customer, conv, "你好")
    assert reply["meta"]["kind"] == "smalltalk"
    (reply,) = _ask(bot_app, customer, conv, "谢谢")
    assert "不客气" in reply["text"]


def test_a_burst_of_rebuild_requests_shares_builds(bot_app: TestClient) -> None:
    bot = bot_app.app.state.bot  # type: ignore[attr-defined]
    before = bot.builds

    async def burst() -> None:
        await asyncio.gather(*(bot.rebuild() for _ in range(6)))

    bot_app.portal.call(burst)
    assert 1 <= bot.builds - before <= 2  # the first request builds; the five that waited share one
    admin = _persona(bot_app)
    login(admin, ADMIN)
    entry = {"question": "星海传说跨服战怎么报名", "answer": "跨服战在活动页报名，每周五 20:00 截止。"}
    created = admin.post("/api/v1/kb/entries", json=entry)
    assert created.status_code == 200, created.text
    _drain(bot_app)
    customer, conv = _start(bot_app)
    (reply,) = _ask(bot_app, customer, conv, "跨服战在哪报名")
    assert reply["meta"]["entry_id"] == created.json()["entry"]["id"]  # a shared build still saw the change


EVERY_KIND_OF_TURN = [
    ("密码想不起来了怎么办", "answer"),
    ("我的账号被人盗了", "flow"),  # the 账号被盗 journey starts
    ("游戏好卡", "clarify"),
    ("量子力学的薛定谔方程怎么解", "decline"),
    ("转人工", "handover"),
    ("垃圾客服", "handover"),
    ("你好", "smalltalk"),
    ("怎么开发票", "answer"),
    ("会员多少钱", "answer"),
]


def test_the_evaluation_decides_as_the_live_bot_does(bot_app: TestClient, tmp_path: Path) -> None:
    """``kefu eval`` on an export of the knowledge base gives, for each question, the turn a customer gets."""
    bot = bot_app.app.state.bot  # type: ignore[attr-defined]
    exported = tmp_path / "kb.jsonl"
    bot_app.portal.call(knowledge.export_file, bot.ctx, exported)
    flows = bot_app.app.state.flows.library  # type: ignore[attr-defined]
    evaluation = Evaluation(load_kb(exported), bot.ctx.settings, flows=flows)
    for text, kind in EVERY_KIND_OF_TURN:
        customer, conv = _start(bot_app)
        replies = _ask(bot_app, customer, conv, text)
        conversation = customer.get(f"/api/v1/conversations/{conv}").json()["conversation"]
        outcome = evaluation.ask(text)
        assert outcome.decision == replies[0]["meta"]["kind"] == kind, text
        assert outcome.handover == conversation["handover_reason"], text
        if kind == "answer":
            assert outcome.answered == str(replies[0]["meta"]["entry_id"]), text
            alternatives = [str(a["entry_id"]) for a in replies[0]["meta"]["alternatives"]]
            assert alternatives == [e for e in outcome.ranked if e != outcome.answered][:3], text
        if kind == "clarify":
            suggestions = [str(s["entry_id"]) for s in replies[0]["meta"]["suggestions"]]
            assert suggestions == outcome.ranked[:3], text
