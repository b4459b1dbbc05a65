"""Flows in live conversations, through the real app, bot and database (no company system needed:
these flows only ask, choose and hand over; journeys calling the demo system are in test_journeys.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kefu.app import create_app
from kefu.config import Settings
from tests.bot.test_bot_flow import _ask, _drain, _start
from tests.conftest import _persona, login, seed
from tests.support import ADMIN, SettlingClient, TickingClock

MEMBERSHIP = """\
key: membership
name: {zh-CN: 开通会员, en: Membership}
expire_minutes: 10
handover_group: 账号安全
triggers:
  keywords: [开通会员流程]
slots:
  plan: {type: choice, choices: [月卡, 年卡], label: 套餐}
  phone: {type: phone, label: 手机号}
  code: {type: code, label: 验证码}
steps:
  - id: hello
    say: 好的，帮您开通会员。
  - id: ask_plan
    collect: plan
    say: 请选择套餐：
  - id: ask_phone
    collect: phone
    say: 请输入手机号：
  - id: ask_code
    collect: code
    say: 请输入验证码：
  - id: to_person
    handover: {group: 账号安全, priority: high, reason: membership}
    say: VERSION_ONE
"""


@pytest.fixture
def flows_app(settings: Settings, clock: TickingClock) -> Iterator[TestClient]:
    """The bot with the membership flow published."""
    bot_settings = settings.model_copy(update={"bot_enabled": True, "flow_expiry_seconds": 0})
    seed(bot_settings)
    with SettlingClient(create_app(bot_settings, clock=clock)) as runner:
        _publish(runner, MEMBERSHIP)
        yield runner


def _admin(app: TestClient) -> TestClient:
    admin = _persona(app)
    login(admin, ADMIN)
    return admin


def _publish(app: TestClient, source: str) -> int:
    admin = _admin(app)
    saved = admin.post("/api/v1/flows/versions", json={"source": source})
    assert saved.status_code == 201, saved.text
    version = saved.json()["version"]
    assert admin.post(f"/api/v1/flows/versions/{version['id']}/publish").status_code == 200
    _drain(app)
    return int(version["version"])


def _conversation(customer: TestClient, conv: int) -> dict[str, Any]:
    return customer.get(f"/api/v1/conversations/{conv}").json()["conversation"]  # type: ignore[no-any-return]


def _runs(app: TestClient, conv: int) -> list[dict[str, Any]]:
    return _admin(app).get(f"/api/v1/conversations/{conv}/flows").json()["runs"]  # type: ignore[no-any-return]


def test_a_flow_collects_masks_secrets_and_hands_over_with_a_summary(flows_app: TestClient) -> None:
    customer, conv = _start(flows_app)
    first = _ask(flows_app, customer, conv, "我想开通会员流程")
    assert [r["text"] for r in first] == ["好的，帮您开通会员。", "请选择套餐："]
    assert [b["label"] for b in first[1]["meta"]["buttons"]] == ["月卡", "年卡"]
    _ask(flows_app, customer, conv, "年卡")
    (ask_code,) = _ask(flows_app, customer, conv, "13800138000")
    assert ask_code["meta"]["input"] == "secret"
    replies = _ask(flows_app, customer, conv, "482913")
    assert replies[-1]["text"] == "VERSION_ONE"
    history = _admin(flows_app).get(f"/api/v1/conversations/{conv}/messages").json()["messages"]
    assert all("482913" not in m["text"] for m in history), "the code is never in the transcript"
    assert any(m["sender_kind"] == "customer" and set(m["text"]) == {"•"} for m in history)
    conversation = _conversation(customer, conv)
    assert conversation["status"] in ("queued", "assigned")
    assert conversation["handover_reason"] == "flow_membership"
    (run,) = _runs(flows_app, conv)
    assert run["status"] == "handed_over"
    collected = {c["slot"]: c["value"] for c in run["summary"]["collected"]}
    assert collected == {"plan": "年卡", "phone": "138****8000", "code": "••••••"}
    assert run["summary"]["flow"] == "开通会员"


def test_a_side_question_is_answered_and_the_step_asked_again(flows_app: TestClient) -> None:
    customer, conv = _start(flows_app)
    _ask(flows_app, customer, conv, "开通会员流程")
    replies = _ask(flows_app, customer, conv, "怎么开发票")
    assert replies[0]["meta"]["kind"] == "answer"
    assert [r["text"] for r in replies[1:]] == ["我们继续办理「开通会员」：", "请选择套餐："]
    assert _ask(flows_app, customer, conv, "1")[0]["text"] == "请输入手机号："


def test_cancel_ends_the_flow_and_the_bot_answers_again(flows_app: TestClient) -> None:
    customer, conv = _start(flows_app)
    _ask(flows_app, customer, conv, "开通会员流程")
    (cancelled,) = _ask(flows_app, customer, conv, "算了")
    assert cancelled["meta"]["text_code"] == "flow.cancelled"
    assert _runs(flows_app, conv)[0]["status"] == "cancelled"
    assert _ask(flows_app, customer, conv, "怎么开发票")[0]["meta"]["kind"] == "answer"


def test_asking_for_a_person_hands_over_with_what_was_collected(flows_app: TestClient) -> None:
    customer, conv = _start(flows_app)
    _ask(flows_app, customer, conv, "开通会员流程")
    _ask(flows_app, customer, conv, "月卡")
    _ask(flows_app, customer, conv, "转人工")
    (run,) = _runs(flows_app, conv)
    assert (run["status"], run["end_reason"]) == ("handed_over", "customer_request")
    assert run["summary"]["collected"][0]["value"] == "月卡"
    assert _conversation(customer, conv)["status"] != "bot"


def test_an_idle_flow_expires_with_a_message(flows_app: TestClient, clock: TickingClock) -> None:
    customer, conv = _start(flows_app)
    _ask(flows_app, customer, conv, "开通会员流程")
    runtime = flows_app.app.state.flows  # type: ignore[attr-defined]
    assert flows_app.portal.call(runtime.expire_due) == 0  # type: ignore[union-attr]
    clock.advance(minutes=11)
    assert flows_app.portal.call(runtime.expire_due) == 1  # type: ignore[union-attr]
    _drain(flows_app)
    messages = customer.get(f"/api/v1/conversations/{conv}/messages").json()["messages"]
    assert messages[-1]["meta"]["text_code"] == "flow.expired"
    assert _runs(flows_app, conv)[0]["status"] == "expired"


def test_a_running_conversation_finishes_on_its_version(flows_app: TestClient) -> None:
    customer, conv = _start(flows_app)
    _ask(flows_app, customer, conv, "开通会员流程")
    assert _publish(flows_app, MEMBERSHIP.replace("VERSION_ONE", "VERSION_TWO")) == 2
    _ask(flows_app, customer, conv, "月卡")
    _ask(flows_app, customer, conv, "13800138000")
    assert _ask(flows_app, customer, conv, "123456")[-1]["text"] == "VERSION_ONE"
    other, conv2 = _start(flows_app, "李四")
    for text in ("开通会员流程", "月卡", "13800138000"):
        _ask(flows_app, other, conv2, text)
    assert _ask(flows_app, other, conv2, "123456")[-1]["text"] == "VERSION_TWO"


def test_a_flow_survives_a_restart(settings: Settings, clock: TickingClock) -> None:
    bot_settings = settings.model_copy(update={"bot_enabled": True, "flow_expiry_seconds": 0})
    seed(bot_settings)
    with SettlingClient(create_app(bot_settings, clock=clock)) as first:
        _publish(first, MEMBERSHIP)
        customer, conv = _start(first)
        _ask(first, customer, conv, "开通会员流程")
        token = customer.headers["Authorization"]
    with SettlingClient(create_app(bot_settings, clock=clock)) as second:
        again = _persona(second)
        again.headers["Authorization"] = token
        assert _ask(second, again, conv, "年卡")[0]["text"] == "请输入手机号："


def test_a_bad_flow_is_refused_with_its_line_and_nothing_changes(flows_app: TestClient) -> None:
    admin = _admin(flows_app)
    before = admin.get("/api/v1/flows").json()["versions"]
    bad = MEMBERSHIP.replace("    collect: phone", "    collect: mobile")
    refused = admin.post("/api/v1/flows/versions", json={"source": bad})
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "bad_flow"
    assert error["details"] == [{"line": 18, "field": "steps[2].collect", "message": "no slot is called 'mobile'"}]
    assert admin.get("/api/v1/flows").json()["versions"] == before
    checked = admin.post("/api/v1/flows/check", json={"source": bad}).json()
    assert checked["ok"] is False
    assert checked["problems"][0]["line"] == 18
