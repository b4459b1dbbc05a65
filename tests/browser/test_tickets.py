"""Tickets end to end in real Chromium: a chat becomes a ticket in one click, the agent answers it on
/console/tickets (a reply and an internal note), the customer reads it in the widget's 我的工单 (the
reply, never the note) and confirms it resolved; a complaint is refused without a resolution note."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_chat_flow import customer_says, login, open_waiting, open_widget
from tests.support import LiveServer

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("KEFU_SHOTS", "/tmp/tickets-shots"))
NUMBER = re.compile(r"^T\d{8}-\d{4}$")


def shot(page: Page, name: str) -> None:
    """Screenshots for a person to look at (not compared, not committed)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_chat_to_ticket_to_customer_confirmation(server: LiveServer, new_context: Callable[..., Any]) -> None:
    customer = new_context().new_page()
    agent_context = new_context(viewport={"width": 1280, "height": 800})
    agent = agent_context.new_page()

    widget = open_widget(customer, server.url)
    customer_says(widget, "我的扫地机器人坏了，开不了机")
    login(agent, server.url)
    open_waiting(agent)

    # 创建工单 in the conversation header opens the new ticket in a tab of its own.
    with agent_context.expect_page() as opened:
        agent.click("#ticket-btn")
    desk = opened.value
    expect(desk.locator("body.is-ready")).to_be_attached()
    expect(desk.locator("#tk-number")).to_have_text(NUMBER)
    number = desk.locator("#tk-number").inner_text()
    expect(desk.locator("#tk-title")).to_contain_text("扫地机器人")
    expect(desk.locator("#tk-assignee")).to_have_value(re.compile(r"^\d+$"))
    expect(desk.locator(f".tk-row:has-text('{number}')")).to_have_count(1)

    # A reply to the customer, then an internal note (shown in yellow, never sent to the customer).
    desk.fill("#tk-text", "已为您安排上门维修，师傅明天上午联系您")
    desk.click("#tk-send")
    expect(desk.locator(".tk-ev--reply")).to_contain_text("已为您安排上门维修")
    desk.click("#tk-mode-note")
    expect(desk.locator("#tk-compose")).to_have_class(re.compile("is-note"))
    desk.fill("#tk-text", "内部：客户很着急，优先派单")
    desk.click("#tk-send")
    expect(desk.locator(".tk-ev--note")).to_contain_text("优先派单")
    expect(desk.locator(".tk-ev--note")).to_have_css("background-color", "rgb(255, 248, 214)")
    desk.locator("#tk-actions [data-status=resolved]").click()
    expect(desk.locator("#tk-status")).to_have_text("已解决")
    expect(desk.locator(".tk-ev--status").last).to_contain_text("已解决")
    shot(desk, "console-ticket-1280")

    # The customer: 我的工单 → the ticket → the reply (not the note) → confirm resolved.
    widget.locator("#tickets-btn").click()
    row = widget.locator(".wtk-row", has_text=number)
    expect(row).to_contain_text("已解决")
    row.click()
    expect(widget.locator("#tickets-timeline")).to_contain_text("已为您安排上门维修")
    expect(widget.locator("#tickets-timeline")).not_to_contain_text("优先派单")
    widget.locator("#tickets-confirm").click()
    expect(widget.locator("#tickets-status")).to_have_text("已关闭")
    expect(widget.locator("#tickets-reopen")).to_be_visible()
    shot(customer, "widget-ticket-desktop")

    # The agent sees the customer's confirmation on the ticket.
    desk.reload()
    expect(desk.locator("#tk-status")).to_have_text("已关闭")


def test_complaint_needs_a_resolution_note(server: LiveServer, new_context: Callable[..., Any]) -> None:
    agent = new_context(viewport={"width": 1280, "height": 800}).new_page()
    login(agent, server.url)
    agent.goto(f"{server.url}/console/tickets")
    expect(agent.locator("body.is-ready")).to_be_attached()

    # 新建工单: a complaint taken on the phone.
    agent.click("#tk-new")
    agent.select_option("#new-type", "complaint")
    agent.fill("#new-title", "快递员态度恶劣")
    agent.fill("#new-name", "李女士")
    agent.fill("#new-phone", "13800138000")
    agent.fill("#new-order_no", "SO20261202001")
    agent.click("#tk-dialog-ok")
    expect(agent.locator("#tk-dialog")).to_be_hidden()
    expect(agent.locator("#tk-number")).to_have_text(NUMBER)
    expect(agent.locator("#tk-type")).to_have_value("complaint")
    expect(agent.locator("#tkf-order_no")).to_have_value("SO20261202001")

    # 已解决 without a note: the server refuses and the dialog says why; with a note it goes through.
    agent.locator("#tk-actions [data-status=resolved]").click()
    expect(agent.locator("#tk-dialog")).to_be_visible()
    agent.click("#tk-dialog-ok")
    expect(agent.locator("#tk-dialog-error")).to_have_text("投诉工单必须填写处理结果才能解决或关闭")
    expect(agent.locator("#tk-status")).not_to_have_text("已解决")
    shot(agent, "console-complaint-refused-1280")
    agent.fill("#tk-resolution", "已向客户致歉并补偿优惠券，快递员已批评教育")
    agent.click("#tk-dialog-ok")
    expect(agent.locator("#tk-dialog")).to_be_hidden()
    expect(agent.locator("#tk-status")).to_have_text("已解决")

    # The search finds it by phone number; on a phone the page stacks.
    agent.fill("#tk-q", "13800138000")
    agent.select_option("#tk-f-status", "resolved")
    expect(agent.locator(".tk-row")).to_have_count(1)
    agent.set_viewport_size({"width": 390, "height": 844})
    shot(agent, "console-tickets-390")
    width = agent.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
