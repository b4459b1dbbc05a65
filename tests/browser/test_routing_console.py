"""Routing in the agent console: presence and load, transfer with a note, messages and the supervisor view."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_chat_flow import click_bar_link, customer_says, login, open_widget, reload_console, show_view
from tests.support import ADMIN, AGENT1, AGENT2

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
    reload_console(agent)
    expect(agent.locator(".presence-btn.is-active")).to_have_text("离开")
    expect(agent.locator("#load-value")).to_have_text("1/5")


def test_transfer_with_a_note(server, new_context):
    wang = new_context().new_page()
    login(wang, server.url, AGENT1)
    wang.click("#go-online")
    expect(wang.locator(".presence-btn.is-active")).to_have_text("在线")

    customer = new_context().new_page()
    widget = open_widget(customer, server.url)
    customer_says(widget, "我要退款")
    expect(widget.locator("#head-title")).to_have_text("小王")

    li = new_context().new_page()
    login(li, server.url, AGENT2)
    li.click("#go-online")
    expect(li.locator(".presence-btn.is-active")).to_have_text("在线")

    show_view(wang, "mine")
    wang.locator("#conv-list .conv").first.click()
    expect(wang.locator("#transfer-btn")).to_be_visible()
    wang.click("#transfer-btn")
    dialog = wang.locator("#transfer-dialog")
    expect(dialog).to_be_visible()
    option = dialog.locator(".pick", has_text="小李")
    expect(option).to_contain_text("在线")
    expect(option).to_contain_text("0/4")
    option.locator("input").check()
    wang.fill("#transfer-note-input", "客户要退款，身份已核实")
    wang.click("#transfer-submit")
    expect(dialog).to_be_hidden()
    expect(wang.locator("#toasts")).to_contain_text("已转接给 小李")
    expect(wang.locator("#transfer-btn")).to_be_hidden()

    # 小李 is told, and reads the note in the conversation.
    expect(li.locator("#toasts")).to_contain_text("小王 将会话")
    expect(li.locator("#load-value")).to_have_text("1/4")
    show_view(li, "mine")
    li.locator("#conv-list .conv").first.click()
    expect(li.locator("#transfer-note")).to_contain_text("小王 转接给您")
    expect(li.locator("#transfer-note")).to_contain_text("客户要退款，身份已核实")
    expect(li.locator("#reply-input")).to_be_enabled()

    # The customer now talks to 小李 (and never sees the note).
    expect(widget.locator("#head-title")).to_have_text("小李")
    expect(widget.locator("body")).not_to_contain_text("身份已核实")


def test_agent_answers_a_left_message(server, new_context):
    customer = new_context().new_page()
    widget = open_widget(customer, server.url)
    customer_says(widget, "什么时候发货？")
    widget.locator("#leave-contact").fill("13800000000")
    widget.locator("#leave-submit").click()
    expect(widget.locator("#leave-done")).to_contain_text("13800000000")

    agent = new_context().new_page()
    login(agent, server.url, AGENT1)
    agent.click("#messages-link")
    expect(agent).to_have_url(f"{server.url}/console/messages")
    item = agent.locator(".lm").first
    expect(item).to_contain_text("什么时候发货？")
    expect(item).to_contain_text("13800000000")
    expect(item.locator(".chip")).to_have_text("待处理")
    item.locator(".lm-take").click()
    expect(agent.locator("#toasts")).to_contain_text("已领取")
    expect(agent.locator("#msg-empty")).to_be_visible()

    agent.click("#msg-filter [data-status=assigned]")
    item = agent.locator(".lm").first
    expect(item).to_contain_text("处理人：小王")
    item.locator(".lm-answer").fill("您好，订单今天发货。")
    item.locator("button[type=submit]").click()
    expect(agent.locator("#toasts")).to_contain_text("回复已发送")
    agent.click("#msg-filter [data-status=answered]")
    expect(agent.locator(".lm").first.locator(".lm__answer")).to_contain_text("您好，订单今天发货。")


def test_supervisor_sees_queues_and_reassigns(server, new_context):
    customer = new_context().new_page()
    widget = open_widget(customer, server.url)
    customer_says(widget, "在吗？")
    expect(widget.locator("#queue-text")).to_contain_text("当前暂无客服在线")

    admin = new_context().new_page()
    login(admin, server.url, ADMIN)
    click_bar_link(admin, "#supervisor-link")
    expect(admin).to_have_url(f"{server.url}/console/supervisor")
    shared = admin.locator(".panel[data-group=none]")
    expect(shared.locator("tbody tr")).to_have_count(1)
    expect(shared).to_contain_text("排队 1")
    wang = admin.locator("#sup-agents tr", has_text="小王")
    expect(wang).to_contain_text("离线")
    expect(wang).to_contain_text("0/5")

    # 小王 comes online elsewhere: the view follows (presence frame), and the customer is served.
    agent = new_context().new_page()
    login(agent, server.url, AGENT1)
    expect(agent.locator(".presence-btn.is-active")).to_have_text("离线")
    shared.locator("select").select_option(label="小王 0/5")
    shared.locator(".sup-reassign").click()
    expect(admin.locator("#toasts")).to_contain_text("已改派给 小王")
    expect(admin.locator(".panel[data-group=none]")).to_have_count(0)
    expect(wang).to_contain_text("1/5")
    expect(widget.locator("#head-title")).to_have_text("小王")
    expect(agent.locator("#load-value")).to_have_text("1/5")
