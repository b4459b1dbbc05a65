"""The texts page in real Chromium: an admin rewords the welcome, and a new customer sees it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_chat_flow import login, open_widget
from tests.support import ADMIN, AGENT1

pytestmark = pytest.mark.browser

WELCOME = "欢迎光临示例科技！请问有什么可以帮您？"


def test_admin_rewords_the_welcome_and_a_new_customer_sees_it(server, new_context):
    admin = new_context().new_page()
    login(admin, server.url, ADMIN)
    admin.goto(f"{server.url}/console/texts")
    row = admin.locator('#text-rows tr[data-code="chat.welcome"]')
    expect(row.locator(".tx-default")).to_have_text("您好，请问有什么可以帮您？")
    expect(row.locator(".tx-reset")).to_be_hidden()

    # A placeholder the text does not take is refused, and nothing changes.
    agent_joined = admin.locator('#text-rows tr[data-code="agent.joined"]')
    agent_joined.locator("textarea").fill("客服 {name} 为您服务")
    agent_joined.locator(".tx-save").click()
    expect(admin.locator(".toast-item[data-kind=error]")).to_contain_text("{agent}")
    expect(agent_joined.locator(".chip")).to_have_count(0)

    row.locator("textarea").fill(WELCOME)
    row.locator(".tx-save").click()
    expect(row.locator(".chip")).to_have_text("已修改")
    expect(row.locator(".tx-reset")).to_be_visible()

    customer = new_context().new_page()
    customer.goto(f"{server.url}/chat")
    customer.locator(".kefu-launcher").click()
    widget = customer.frame_locator("iframe.kefu-panel__frame")
    expect(widget.locator(".w-welcome")).to_have_text(WELCOME)

    # English customers still get the English default; resetting brings the Chinese default back.
    english = new_context().new_page()
    english.goto(f"{server.url}/widget?lang=en")
    expect(english.locator(".w-welcome")).to_have_text("Hello! How can we help you today?")
    admin.locator("#text-changed").check()
    expect(admin.locator("#text-rows tr")).to_have_count(1)
    admin.locator('#text-rows tr[data-code="chat.welcome"] .tx-reset').click()
    expect(admin.locator("#text-empty")).to_be_visible()
    open_widget(new_context().new_page(), server.url)


def test_agents_may_read_the_texts_but_not_change_them(server, new_context):
    agent = new_context().new_page()
    login(agent, server.url, AGENT1)
    agent.goto(f"{server.url}/console/texts?lang=en")
    expect(agent.locator("#text-readonly")).to_be_visible()
    row = agent.locator('#text-rows tr[data-code="agent.joined"]')
    expect(row.locator(".tx-default")).to_have_text("{agent} has joined the chat. How can I help you?")
    expect(row.locator("textarea")).to_be_disabled()
    expect(row.locator(".tx-save")).to_have_count(0)
    agent.locator(".seg__btn[data-locale=zh-CN]").click()
    expect(row.locator(".tx-default")).to_have_text("客服 {agent} 已接入，请问有什么可以帮您？")
