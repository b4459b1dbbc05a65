"""Routing in the agent console: presence and load, transfer with a note, messages and the supervisor view."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_chat_flow import customer_says, login, open_widget
from tests.support import AGENT1

pytestmark = pytest.mark.browser


def test_agent_goes_online_and_sees_their_load(server, new_context):
    agent = new_context().new_page()
    login(agent, server.url, AGENT1)

    # Agents start offline: the switch says so and a banner offers to go online.
    expect(agent.locator(".presence-btn.is-active")).to_have_text("离线")
    expect(agent.locator("#presence-banner")).to_contain_text("您当前离线")
    expect(agent.locator("#load-value")).to_have_text("0/5")

    agent.click("#go-online")
    expect(agent.locator(".presence-btn.is-active")).to_have_text("在线")
    expect(agent.locator("#presence-banner")).to_be_hidden()

    # Online agents receive customers: the load goes up.
    customer = new_context().new_page()
    widget = open_widget(customer, server.url)
    customer_says(widget, "你好")
    expect(widget.locator("#head-title")).to_have_text("小王")
    expect(agent.locator("#load-value")).to_have_text("1/5")
    expect(agent.locator(".tab[data-view=mine] .tab__count")).to_have_text("1")

    agent.locator(".presence-btn[data-status=away]").click()
    expect(agent.locator(".presence-btn.is-active")).to_have_text("离开")
    expect(agent.locator("#presence-banner")).to_contain_text("您当前离开")

    # The state survives a reload (it is the server's).
    agent.reload()
    expect(agent.locator(".presence-btn.is-active")).to_have_text("离开")
    expect(agent.locator("#load-value")).to_have_text("1/5")
