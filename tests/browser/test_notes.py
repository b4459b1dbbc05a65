"""Internal notes and collision in real Chromium: a note with a secret word never reaches the
customer's widget (live, nor after a reload), a mentioned supervisor gets a toast and a badge, and two
staff in one conversation see each other viewing and typing. Screenshots go to /tmp/notes-shots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_chat_flow import agent_says, customer_says, login, open_waiting, open_widget, show_view
from tests.support import ADMIN, AGENT2

pytestmark = pytest.mark.browser
SECRET = "内部暗号ZEBRA42"
SHOTS = Path("/tmp/notes-shots")


def _shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_a_note_stays_internal_mentions_notify_and_colleagues_see_each_other(server, new_context):
    customer = new_context().new_page()
    widget = open_widget(customer, server.url)
    customer_says(widget, "我的订单一直没发货")
    expect(widget.locator(".msg--mine")).to_have_count(1)

    agent = new_context().new_page()
    login(agent, server.url)
    open_waiting(agent)
    boss = new_context().new_page()
    login(boss, server.url, ADMIN)
    show_view(boss, "all")
    boss.locator("#conv-list .conv").first.click()
    expect(boss.locator("#chat-name")).to_be_visible()

    # Collision: each sees the other viewing; the supervisor sees the agent typing a reply.
    expect(agent.locator("#chat-collision")).to_have_text("管理员 正在查看")
    expect(boss.locator("#chat-collision")).to_have_text("小王 正在查看")
    agent.locator("#reply-input").press_sequentially("您好")
    expect(boss.locator("#chat-collision")).to_contain_text("小王 正在输入…")
    expect(widget.locator("#typing")).to_contain_text("对方正在输入")  # the customer's indicator, as before
    agent.locator("#reply-input").fill("")

    # A note with an @mention picked from the autocomplete.
    agent.click(".compose-tab[data-mode=note]")
    expect(agent.locator("#note-form")).to_be_visible()
    expect(agent.locator("#reply")).to_be_hidden()
    note_box = agent.locator("#note-input")
    note_box.press_sequentially("@管")
    expect(agent.locator("#mention-menu .mention-option")).to_have_count(1)
    expect(agent.locator("#mention-menu")).to_contain_text("管理员")
    note_box.press("Enter")
    expect(note_box).to_have_value("@管理员 ")
    note_box.press_sequentially(f"客户情绪激动，暗号 {SECRET}，请帮忙看一下")
    expect(boss.locator("#chat-collision")).to_contain_text("小王 正在写备注…")
    note_box.press("Enter")
    note = agent.locator(".note")
    expect(note).to_have_count(1)
    expect(note).to_contain_text(SECRET)
    expect(note.locator(".note__mention")).to_have_text("@管理员")

    # The supervisor: the note live in the thread, a toast and a badge.
    expect(boss.locator(".note")).to_contain_text(SECRET)
    expect(boss.locator(".toast-item")).to_contain_text(re.compile(r"小王 在会话 #\d+ 中提到了你"))
    expect(boss.locator("#mentions-count")).to_have_text("1")
    _shoot(boss, "desktop-note-toast-collision")
    boss.set_viewport_size({"width": 390, "height": 844})
    _shoot(boss, "phone-note-collision")
    boss.set_viewport_size({"width": 1280, "height": 800})
    boss.click("#mentions-btn")
    expect(boss.locator("#mentions-list .mention-row")).to_have_count(1)
    _shoot(boss, "desktop-mentions-panel")

    # The customer never sees it: live, then after a reply, then after a reload.
    agent.click(".compose-tab[data-mode=reply]")
    agent_says(agent, "已为您加急处理")
    expect(widget.locator(".msg--agent").last).to_contain_text("已为您加急处理")
    expect(widget.locator("body")).not_to_contain_text(SECRET)
    expect(widget.locator("body")).not_to_contain_text("内部备注")
    customer.reload()
    widget = open_widget(customer, server.url)
    expect(widget.locator(".msg--agent").last).to_contain_text("已为您加急处理")
    expect(widget.locator("body")).not_to_contain_text(SECRET)
    _shoot(agent, "desktop-agent-note")

    # A colleague without access: nothing of it, and no toast.
    other = new_context().new_page()
    login(other, server.url, AGENT2)
    expect(other.locator("#conv-list")).not_to_contain_text("我的订单")
    expect(other.locator("#mentions-count")).to_be_hidden()
    expect(other.locator("body")).not_to_contain_text(SECRET)
