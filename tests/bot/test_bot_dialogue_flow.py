"""Misses, money trouble and urgency end to end: the real app, database, routing and missed-question list."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from kefu.bot.concerns import URGENT_PRIORITY
from tests.bot.test_bot_flow import _ask, _start
from tests.conftest import _persona, login
from tests.support import ADMIN


def _admin(app: TestClient) -> TestClient:
    admin = _persona(app)
    login(admin, ADMIN)
    return admin


def _missed(admin: TestClient, conv: int, *, include_resolved: bool = False) -> list[dict[str, Any]]:
    rows = admin.get("/api/v1/bot/missed", params={"include_resolved": include_resolved}).json()["missed"]
    return sorted((m for m in rows if m["conversation_id"] == conv), key=lambda m: int(m["id"]))


def _waiting(admin: TestClient, conv: int) -> dict[str, Any]:
    for queue in admin.get("/api/v1/routing/queues").json()["queues"]:
        for item in queue["waiting"]:
            if item["conversation_id"] == conv:
                return {**item, "group_name": queue["group_name"]}
    raise AssertionError(f"conversation {conv} is not waiting")


def test_ignored_suggestions_are_misses_recorded_and_end_with_a_person(bot_app: TestClient) -> None:
    customer, conv = _start(bot_app)
    admin = _admin(bot_app)
    (first,) = _ask(bot_app, customer, conv, "游戏好卡")
    assert first["meta"]["kind"] == "clarify"
    assert [(m["text"], m["reason"]) for m in _missed(admin, conv)] == [("游戏好卡", "clarified")]
    (second,) = _ask(bot_app, customer, conv, "手机坏了")
    assert second["meta"]["kind"] == "clarify"
    assert customer.get(f"/api/v1/conversations/{conv}").json()["conversation"]["status"] == "bot"
    replies = _ask(bot_app, customer, conv, "东西不对")
    assert replies[-1]["meta"]["kind"] == "handover"
    found = customer.get(f"/api/v1/conversations/{conv}").json()["conversation"]
    assert found["status"] != "bot"
    assert found["handover_reason"] == "bot_failed"
    # Every miss is on the 未解决问题 list, the ignored suggestions as such.
    assert [(m["text"], m["reason"]) for m in _missed(admin, conv)] == [
        ("游戏好卡", "suggestion_ignored"),
        ("手机坏了", "suggestion_ignored"),
        ("东西不对", "no_match"),
    ]


def test_a_picked_suggestion_resolves_its_clarify(bot_app: TestClient) -> None:
    customer, conv = _start(bot_app)
    admin = _admin(bot_app)
    (reply,) = _ask(bot_app, customer, conv, "游戏好卡")
    choice = reply["meta"]["suggestions"][0]
    (answer,) = _ask(bot_app, customer, conv, choice["question"], pick_entry_id=choice["entry_id"])
    assert answer["meta"]["kind"] == "answer"
    assert _missed(admin, conv) == []
    (row,) = _missed(admin, conv, include_resolved=True)
    assert (row["reason"], row["resolved"]) == ("clarified", True)


def test_money_trouble_goes_to_the_money_group_and_urgency_to_the_front(bot_app: TestClient) -> None:
    admin = _admin(bot_app)
    customer, wallet = _start(bot_app, "李四")
    (reply,) = _ask(bot_app, customer, wallet, "钱包地址填错了")
    assert reply["meta"]["kind"] == "handover"  # not the shipping-address entry
    assert reply["meta"]["reason"] == "money"
    calm = _waiting(admin, wallet)
    assert (calm["handover_reason"], calm["group_name"]) == ("money", "支付售后")
    assert [(m["text"], m["reason"]) for m in _missed(admin, wallet)] == [("钱包地址填错了", "money")]
    journey, paying = _start(bot_app, "赵六")
    assert _ask(bot_app, journey, paying, "急！充值失败了，钱扣了")[0]["meta"]["flow"] == "payment_failed"
    other, urgent = _start(bot_app, "王五")
    _ask(bot_app, other, urgent, "急！提现失败了，钱不见了")
    hurried = _waiting(admin, urgent)
    assert hurried["group_name"] == "支付售后"
    assert hurried["priority"] >= URGENT_PRIORITY > calm["priority"]
    line = [
        item["conversation_id"] for q in admin.get("/api/v1/routing/queues").json()["queues"] for item in q["waiting"]
    ]
    assert line.index(urgent) < line.index(wallet)  # served first although it came later
