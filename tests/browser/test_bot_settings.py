"""The bot's settings page (/console/settings) in real Chromium: an admin raises the answer threshold, the
page refuses an impossible pair of thresholds, and the running bot uses the saved value at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_bot_flow import PARAPHRASE, bot_messages, bot_server  # noqa: F401 (fixture)
from tests.browser.test_chat_flow import click_bar_link, customer_says, login, open_widget
from tests.support import ADMIN, AGENT1

pytestmark = pytest.mark.browser


def test_admin_changes_a_bot_setting_in_the_console(bot_server, new_context):  # noqa: F811
    customer = new_context().new_page()
    widget = open_widget(customer, bot_server.url)
    customer_says(widget, PARAPHRASE)
    expect(bot_messages(widget, "answer")).to_have_count(1)

    admin = new_context().new_page()
    login(admin, bot_server.url, ADMIN)
    click_bar_link(admin, "#settings-link")
    expect(admin).to_have_url(f"{bot_server.url}/console/settings")
    expect(admin.locator("body.is-ready")).to_be_attached()
    answer = admin.locator("#s-answer_threshold")
    expect(answer).to_have_value("0.25")
    expect(admin.locator("[data-default-for=answer_threshold]")).to_have_text("默认 0.25")
    expect(admin.locator("#set-save")).to_be_disabled()

    # A clarify threshold above the answer threshold is refused before it reaches the server.
    answer.fill("0.05")
    expect(admin.locator("#set-error")).to_have_text("追问阈值不能高于直接回答阈值")
    expect(admin.locator("#set-save")).to_be_disabled()
    admin.click("#set-undo")
    expect(answer).to_have_value("0.25")

    # Raise it: saved, marked as changed from the default, and still there after a reload.
    answer.fill("1")
    expect(admin.locator("#set-state")).to_have_text("1 项未保存")
    admin.click("#set-save")
    expect(admin.locator("#toasts")).to_contain_text("已保存")
    expect(admin.locator(".set-row[data-setting=answer_threshold]")).to_have_class("set-row is-overridden")
    admin.reload()
    expect(admin.locator("#s-answer_threshold")).to_have_value("1.00")

    # The running bot now asks instead of answering the same question.
    customer_says(widget, PARAPHRASE)
    expect(bot_messages(widget, "clarify")).to_have_count(1)
    expect(bot_messages(widget, "answer")).to_have_count(1)

    # Agents do not see the page's link, and the page tells them it is not for them.
    agent = new_context().new_page()
    login(agent, bot_server.url, AGENT1)
    expect(agent.locator("#settings-link")).to_be_hidden()
    agent.goto(f"{bot_server.url}/console/settings")
    expect(agent.locator("#set-forbidden")).to_be_visible()
