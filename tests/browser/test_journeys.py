"""Journeys end to end in real Chromium: the customer in the widget ↔ the bot's guided flows ↔ the demo
company's business system (a real server; the flows' actions point at it, as in ``kefu demo``) ↔ an
agent in the console. The customer reads verification codes on the demo system's outbox page, in a
second tab, as a person trying the demo would.

Screenshots of each journey's end state go to ``/tmp/journey-shots`` (``KEFU_JOURNEY_SHOTS`` to move
them; not part of the repository) for people to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import FrameLocator, Page, expect

from kefu.bootstrap import open_context
from kefu.config import Settings
from kefu.demo import connect_demo_system
from tests.browser.conftest import _in_thread
from tests.browser.test_chat_flow import agent_says, customer_says, login, open_widget, show_view
from tests.support import AGENT1, AGENT2, DemoSystemServer, LiveServer, run_async, seed

pytestmark = pytest.mark.browser

SECRET = "journeys-browser-secret"
PHONE_VIEW = {"width": 390, "height": 844}
CONSOLE_VIEW = {"width": 1280, "height": 800}
SHOTS = Path(os.environ.get("KEFU_JOURNEY_SHOTS", "/tmp/journey-shots"))
ZHANG_WEI = "13800138000"
MASKED_CODE = "••••••"


@pytest.fixture
def demo_system(tmp_path: Path, browser: object) -> Iterator[DemoSystemServer]:
    """The demo company's business system, seeded, on a free port."""
    holder: list[DemoSystemServer] = []
    _in_thread(lambda: holder.append(DemoSystemServer(tmp_path / "demo-system", SECRET)))
    system = holder[0]
    system.start()
    yield system
    system.stop()


@pytest.fixture
def journey_server(settings: Settings, demo_system: DemoSystemServer) -> Iterator[LiveServer]:
    """kefu with the bot on, the demo organisation and its flows, the actions pointing at the demo
    system (what ``kefu demo`` prepares before it serves)."""
    bot_settings = settings.model_copy(update={"bot_enabled": True})
    _in_thread(seed, bot_settings)

    async def connect() -> None:
        async with open_context(bot_settings) as ctx:
            assert await connect_demo_system(ctx, demo_system.url, SECRET) == 17

    run_async(connect)
    live = LiveServer(bot_settings)
    live.start()
    yield live
    live.stop()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def bot_said(widget: FrameLocator | Page, text: str | re.Pattern[str]) -> Any:
    """Wait until the bot's latest message contains ``text``; returns that message."""
    last = widget.locator(".msg--bot").last
    expect(last.locator(".msg__text")).to_contain_text(text)
    return last


def customer_types_code(widget: FrameLocator, code: str) -> None:
    """Type a verification code into the masked input the widget shows while a flow asks for one."""
    box = widget.locator("#secret-input")
    box.fill(code)
    box.press("Enter")


def code_from_outbox(customer: Page, demo_url: str, to: str) -> str:
    """Open the demo system's outbox in a new tab of the customer's browser and read the newest code."""
    outbox = customer.context.new_page()
    outbox.goto(f"{demo_url}/outbox?to={to}")
    code = outbox.locator("#messages .msg .code").first
    expect(code).to_have_text(re.compile(r"^\d{6}$"))
    expect(outbox.locator("#messages .msg .to").first).to_have_text(to)
    value = code.inner_text()
    outbox.close()
    return value


def console_runs(agent: Page, conversation_id: str) -> list[dict[str, Any]]:
    """The conversation's flow runs with their hand-over summaries, fetched as the signed-in agent."""
    runs: list[dict[str, Any]] = agent.evaluate(
        "async (id) => (await (await fetch(`/api/v1/conversations/${id}/flows`)).json()).runs", conversation_id
    )
    return runs


def test_forgot_password_with_the_code_from_the_outbox(journey_server, demo_system, new_context):
    customer = new_context(viewport=PHONE_VIEW).new_page()
    widget = open_widget(customer, journey_server.url)

    # The self-service menu under the welcome text: a button sends its label.
    widget.locator("#menu .w-menu__btn", has_text="忘记密码").click()
    expect(widget.locator(".msg--mine .msg__text").last).to_have_text("忘记密码")
    bot_said(widget, "请输入账号绑定的手机号或邮箱")
    customer_says(widget, ZHANG_WEI)
    bot_said(widget, "验证码已发送至 138****8000")
    # While the code is asked for, the customer types into a masked input.
    secret = widget.locator("#secret-input")
    expect(secret).to_be_visible()
    expect(secret).to_have_attribute("type", "password")
    expect(widget.locator("#input")).to_be_hidden()

    code = code_from_outbox(customer, demo_system.url, ZHANG_WEI)
    customer_types_code(widget, code)
    expect(widget.locator("#input")).to_be_visible()
    expect(secret).to_be_hidden()
    done = bot_said(widget, "验证通过！重置密码的链接已发送至")
    expect(done.locator(".msg__text")).to_contain_text("30 分钟内")
    # The customer's code is stored masked: once acknowledged, the bubble shows dots.
    expect(widget.locator(".msg--mine .msg__text").last).to_have_text(MASKED_CODE)
    expect(widget.locator(".msg--mine .msg__status").last).not_to_have_text("发送中")
    expect(widget.locator(".thread")).not_to_contain_text(code)
    # The step that asked for the code has passed: its 重新发送验证码 button no longer takes clicks.
    expect(widget.locator(".bot-chip", has_text="重新发送验证码")).to_be_disabled()
    shot(customer, "1-forgot-password-widget")

    # The reset link went to the account's e-mail.
    outbox = httpx.get(f"{demo_system.url}/api/outbox", params={"to": "zhangwei@example.com"}).json()["messages"]
    assert outbox[0]["link"]


def test_account_stolen_is_frozen_and_handed_to_account_security(journey_server, demo_system, new_context):
    customer = new_context(viewport=PHONE_VIEW).new_page()
    widget = open_widget(customer, journey_server.url)

    customer_says(widget, "我的账号被盗了")
    bot_said(widget, "请输入账号绑定的手机号")
    expect(widget.locator(".msg--bot .msg__text", has_text="别着急")).to_have_count(1)
    customer_says(widget, ZHANG_WEI)
    bot_said(widget, "验证码已发送至 138****8000")
    customer_types_code(widget, code_from_outbox(customer, demo_system.url, ZHANG_WEI))
    expect(widget.locator(".msg--bot .msg__text", has_text="您的账号已冻结")).to_have_count(1)
    bot_said(widget, "正在为您转接账号安全专员")
    expect(widget.locator("#queue")).to_be_visible()
    expect(widget.locator(".msg--mine .msg__text").last).to_have_text(MASKED_CODE)

    # The company's system shows the account frozen.
    system = customer.context.new_page()
    system.goto(demo_system.url)
    row = system.locator("tr", has_text=ZHANG_WEI)
    expect(row.locator(".tag")).to_have_text("已冻结")
    system.close()

    # 小王 (账号安全) takes it from 等待中 and sees what the bot collected, the code masked.
    agent = new_context(viewport=CONSOLE_VIEW).new_page()
    login(agent, journey_server.url, AGENT1)
    show_view(agent, "waiting")
    row = agent.locator("#conv-list .conv").first
    expect(row).to_be_visible()
    conversation_id = row.get_attribute("data-id") or ""
    row.click()
    agent.click("#take-btn")
    expect(agent.locator("#chat-status")).to_have_text("接待中")
    expect(agent.locator(".msg--customer .msg__text").last).to_have_text(MASKED_CODE)
    # The hand-over summary card at the top of the conversation: what was collected, masked.
    card = agent.locator("#flow-summary .flow-card")
    expect(card).to_be_visible()
    expect(card.locator(".flow-card__title")).to_contain_text("账号被盗")
    expect(card.locator(".flow-card__values")).to_contain_text("138****8000")
    expect(card.locator(".flow-card__values dd.is-sensitive")).to_have_text(MASKED_CODE)
    expect(card).not_to_contain_text(ZHANG_WEI)
    # The same summary from the API.
    (run,) = console_runs(agent, conversation_id)
    summary = run["summary"]
    assert summary["reason"] == "account_stolen"
    collected = {item["slot"]: item["value"] for item in summary["collected"]}
    assert collected == {"phone": "138****8000", "code": MASKED_CODE}
    assert [call["action"] for call in summary["calls"]] == ["find_user", "send_code", "verify_code", "freeze_account"]
    shot(agent, "2-account-stolen-console")

    agent_says(agent, "您好，我是账号安全专员小王，已看到您的账号冻结记录，我们来核实身份。")
    reply = widget.locator(".msg--agent .msg__text")
    expect(reply).to_have_text("您好，我是账号安全专员小王，已看到您的账号冻结记录，我们来核实身份。")
    # The thread follows the conversation: tall bot messages arriving together keep the end in view.
    expect(reply).to_be_in_viewport()
    expect(widget.locator("#head-title")).to_have_text("小王")
    shot(customer, "2-account-stolen-widget")


def test_unusual_login_lists_the_logins_and_not_me_freezes(journey_server, demo_system, new_context):
    customer = new_context(viewport=PHONE_VIEW).new_page()
    widget = open_widget(customer, journey_server.url)

    customer_says(widget, "收到异地登录提醒")
    bot_said(widget, "请输入账号绑定的手机号")
    customer_says(widget, ZHANG_WEI)
    bot_said(widget, "验证码已发送至 138****8000")
    customer_types_code(widget, code_from_outbox(customer, demo_system.url, ZHANG_WEI))
    logins = bot_said(widget, "最近的登录记录")
    # One login a line, newest first, the device in use marked.
    text = logins.locator(".msg__text")
    expect(text).to_contain_text(re.compile(r"1\. \d{4}-\d{2}-\d{2} \d{2}:\d{2} · 上海 · iPhone 15（当前设备）\n2\. "))
    expect(text).to_contain_text("海外 · Android")
    expect(logins.locator(".bot-chip--action")).to_have_text(["是我", "不是我"])
    shot(customer, "5-unusual-login-list-widget")

    logins.locator(".bot-chip--action", has_text="不是我").click()
    bot_said(widget, "已冻结您的账号")
    expect(widget.locator(".msg--bot").last).to_be_in_viewport()
    shot(customer, "5-unusual-login-frozen-widget")


def test_payment_debited_not_credited_is_refunded_with_a_button(journey_server, new_context):
    customer = new_context(viewport=PHONE_VIEW).new_page()
    widget = open_widget(customer, journey_server.url)

    customer_says(widget, "订单 202612010002 充值了钱扣了但是余额没到账")
    found = bot_said(widget, "已扣款，但还没有到账")
    expect(found.locator(".msg__text")).to_contain_text("¥648.00")
    buttons = found.locator(".bot-chip--action")
    expect(buttons).to_have_text(["重新到账", "申请退款"])
    buttons.filter(has_text="申请退款").click()
    expect(widget.locator(".msg--mine .msg__text").last).to_have_text("申请退款")
    refund = bot_said(widget, "退款已提交")
    expect(refund.locator(".msg__text")).to_have_text(
        re.compile(r"退款单号 TK\d{11}，¥648\.00 将在 3 个工作日内（\d{4}-\d{2}-\d{2} 前）原路退回")
    )
    shot(customer, "3-payment-refund-widget")


def test_a_backend_fault_hands_over_with_the_reason(journey_server, demo_system, new_context):
    httpx.post(f"{demo_system.url}/api/faults", json={"action": "shipment_status", "mode": "error"}).raise_for_status()
    customer = new_context(viewport=PHONE_VIEW).new_page()
    widget = open_widget(customer, journey_server.url)

    customer_says(widget, "查物流 202612010001")
    told = bot_said(widget, "系统暂时无法处理")
    expect(told.locator(".msg__text")).to_contain_text("转接人工")
    expect(widget.locator("#queue")).to_be_visible()
    expect(widget.locator("#head-title")).to_have_text("正在转接人工客服")
    shot(customer, "4-fault-widget")

    # 小李 (支付售后) sees it waiting, with why the bot stopped.
    agent = new_context(viewport=CONSOLE_VIEW).new_page()
    login(agent, journey_server.url, AGENT2)
    show_view(agent, "waiting")
    row = agent.locator("#conv-list .conv").first
    expect(row.locator(".chip")).to_have_text("等待中")
    expect(row.locator(".conv__reason")).to_be_visible()
    conversation_id = row.get_attribute("data-id") or ""
    row.click()
    expect(agent.locator("#chat-handover")).to_be_visible()
    card = agent.locator("#flow-summary .flow-card")
    expect(card).to_have_attribute("data-reason", "system_unavailable")
    expect(card.locator(".flow-card__calls")).to_contain_text("shipment_status")
    (run,) = console_runs(agent, conversation_id)
    assert run["summary"]["reason"] == "system_unavailable"
    assert [(c["action"], c["outcome"]) for c in run["summary"]["calls"]] == [("shipment_status", "unavailable")]
    assert {c["slot"]: c["value"] for c in run["summary"]["collected"]} == {"order_no": "202612010001"}
    shot(agent, "4-fault-console")
