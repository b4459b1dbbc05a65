"""The 话术库 in the reply box: /cfh finds 催发货, the reply arrives with the customer's name filled in, and
a placeholder the agent must fill is highlighted and blocks sending until it is replaced."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_chat_flow import customer_says, login, open_waiting, open_widget
from tests.support import ADMIN

pytestmark = pytest.mark.browser
INSERTED = "您好张三，已为您查询订单 【请填写：订单号】，我们会尽快安排发货，发货后您会收到短信通知，请您耐心等待。"
SHOTS = Path(os.environ.get("KEFU_CANNED_SHOTS", "/tmp/canned-shots"))


def shot(page: Page, name: str) -> None:
    """Save a screenshot for a person to look at (not compared by the test)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_an_agent_inserts_a_canned_reply_with_variables(server, new_context):
    customer = new_context().new_page()
    agent = new_context({"width": 1280, "height": 800}).new_page()
    widget = open_widget(customer, server.url)
    widget.locator("#rename-btn").click()
    widget.locator("#name-input").fill("张三")
    widget.locator("#name-input").press("Enter")
    expect(widget.locator("#rename-form")).to_be_hidden()
    customer_says(widget, "我买的东西怎么还不发货")

    login(agent, server.url)
    open_waiting(agent)
    box = agent.locator("#reply-input")
    box.press_sequentially("/cfh")
    popup = agent.locator("#canned-pop")
    expect(popup).to_be_visible()
    expect(popup.locator(".canned-item").first.locator(".canned-item__title")).to_have_text("催发货")
    expect(popup.locator(".canned-item.is-active")).to_contain_text("催发货")
    shot(agent, "popup-1280")
    box.press("Enter")
    expect(popup).to_be_hidden()
    expect(box).to_have_value(INSERTED)
    expect(agent.locator(".canned-mark")).to_have_text("【请填写：订单号】")
    expect(agent.locator("#canned-hint")).to_contain_text("还有 1 处需要填写")
    shot(agent, "placeholder-1280")

    box.press("End")
    box.press("Enter")  # refused: the placeholder is still there
    expect(agent.locator("#chat-error")).to_contain_text("请先填写 【请填写：订单号】")
    expect(agent.locator(".msg--mine")).to_have_count(0)
    expect(box).to_have_value(INSERTED)

    agent.locator("#canned-hint .canned-chip").click()  # selects the placeholder; typing replaces it
    box.press_sequentially("202612010001")
    expect(agent.locator("#canned-hint")).to_be_hidden()
    box.press("Enter")
    sent = "您好张三，已为您查询订单 202612010001，我们会尽快安排发货，发货后您会收到短信通知，请您耐心等待。"
    expect(widget.locator(".msg--theirs .msg__text").last).to_have_text(sent)
    expect(box).to_have_value("")

    box.press_sequentially("好的 /jsy")  # after a space too; Esc closes without inserting
    expect(popup).to_be_visible()
    box.press("Escape")
    expect(popup).to_be_hidden()
    expect(box).to_have_value("好的 /jsy")

    agent.set_viewport_size({"width": 390, "height": 844})
    box.fill("")
    box.press_sequentially("/sh")
    expect(popup.locator(".canned-item").first).to_be_visible()
    shot(agent, "popup-390")


def test_the_canned_page_lists_folders_and_edits_replies(server, new_context):
    page = new_context({"width": 1280, "height": 800}).new_page()
    login(page, server.url, ADMIN)
    page.goto(f"{server.url}/console/canned")
    expect(page.locator("body.is-ready")).to_be_attached()
    expect(page.locator(".cn-folder", has_text="催发货")).to_be_visible()
    page.locator(".cn-folder", has_text="结束语").click()
    expect(page.locator(".cn-reply", has_text="结束语-邀请评价")).to_be_visible()
    shot(page, "page-1280")
    page.click("#cn-new")
    page.fill("#cn-title", "好评返现")
    page.fill("#cn-shortcut", "haoping")
    page.fill("#cn-text", "{客户名}您好，感谢您的好评！")
    page.click("#cn-save")
    expect(page.locator(".cn-reply", has_text="好评返现")).to_be_visible()
    page.fill("#cn-search", "hpfx")
    expect(page.locator(".cn-reply")).to_have_count(1)
    page.set_viewport_size({"width": 390, "height": 844})
    page.fill("#cn-search", "")
    shot(page, "page-390")
