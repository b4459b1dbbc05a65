"""An English customer gets English system messages end to end through the API; Chinese stays Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kefu.app import create_app
from kefu.config import Settings
from tests.conftest import new_visitor
from tests.support import TickingClock, seed


def _user_id(persona: TestClient) -> int:
    return int(persona.get("/api/v1/routing/presence").json()["presence"]["user_id"])


def _system(persona: TestClient, conv: int) -> list[dict[str, Any]]:
    messages = persona.get(f"/api/v1/conversations/{conv}/messages").json()["messages"]
    return [m for m in messages if m["sender_kind"] == "system"]


def test_an_english_conversation_gets_english_system_messages(app, agent1, admin) -> None:
    customer = new_visitor(app, "Alice")
    opened = customer.post("/api/v1/visitor/conversations", json={"lang": "en-GB"})
    assert opened.status_code == 200, opened.text
    conv = opened.json()["conversation"]
    assert conv["locale"] == "en"
    queue = customer.get(f"/api/v1/routing/conversations/{conv['id']}/queue").json()["queue"]
    assert queue["text"].startswith("No agent is online right now.")

    admin.put("/api/v1/routing/presence", json={"user_id": _user_id(agent1), "capacity": 1})
    assert agent1.put("/api/v1/routing/presence", json={"status": "online"}).status_code == 200
    (joined,) = _system(customer, conv["id"])
    assert joined["text"] == "小王 has joined the chat. How can I help you?"
    assert joined["meta"]["text_code"] == "agent.joined"
    assert joined["meta"]["text_params"] == {"agent": "小王"}
    queue = customer.get(f"/api/v1/routing/conversations/{conv['id']}/queue").json()["queue"]
    assert queue["text"] == "An agent has joined"

    assert agent1.post(f"/api/v1/conversations/{conv['id']}/close").status_code == 200
    closed = _system(customer, conv["id"])[-1]
    assert closed["text"] == "The agent has ended this conversation. Thank you for contacting us."
    assert closed["meta"]["text_code"] == "conversation.closed.by_agent"


def test_queue_position_in_english(app, agent1, admin) -> None:
    admin.put("/api/v1/routing/presence", json={"user_id": _user_id(agent1), "capacity": 1})
    agent1.put("/api/v1/routing/presence", json={"status": "online"})
    first, second = new_visitor(app, "A"), new_visitor(app, "B")
    first.post("/api/v1/visitor/conversations", json={"lang": "en"})
    conv = second.post("/api/v1/visitor/conversations", json={"lang": "en"}).json()["conversation"]
    queue = second.get(f"/api/v1/routing/conversations/{conv['id']}/queue").json()["queue"]
    assert (queue["position"], queue["state"]) == (1, "waiting")
    assert queue["text"].startswith("You're next. Estimated wait: about ")


def test_without_a_language_the_organisation_default_applies(app, customer) -> None:
    conv = customer.post("/api/v1/visitor/conversations").json()["conversation"]
    assert conv["locale"] == "zh-CN"
    assert customer.post("/api/v1/conversations/{}/close".format(conv["id"])).status_code == 200
    assert _system(customer, conv["id"])[-1]["text"] == "您已结束本次会话，感谢您的咨询。"


@pytest.fixture
def bot_app(settings: Settings, clock: TickingClock) -> Iterator[TestClient]:
    bot_settings = settings.model_copy(update={"bot_enabled": True})
    seed(bot_settings)
    with TestClient(create_app(bot_settings, clock=clock)) as runner:
        yield runner


def test_english_small_talk_and_hand_over(bot_app: TestClient) -> None:
    customer = new_visitor(bot_app, "Bob")
    conv = customer.post("/api/v1/visitor/conversations", json={"lang": "en"}).json()["conversation"]["id"]
    for text in ("hello", "12345", "I want a human agent"):
        assert customer.post(f"/api/v1/conversations/{conv}/messages", json={"text": text}).status_code == 200
        bot_app.portal.call(bot_app.app.state.bot.drain)  # type: ignore[union-attr]
    messages = customer.get(f"/api/v1/conversations/{conv}/messages").json()["messages"]
    said = [m["text"] for m in messages if m["sender_kind"] != "customer"]
    assert said[0].startswith("Hello! I'm the virtual assistant.")
    assert said[-1].startswith("No agent is online right now.") or "connecting you" in said[-1]
    assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in said)
