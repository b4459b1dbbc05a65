"""Routing as the customer sees it: a place in the queue that moves up until an agent takes over."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import APIRequestContext, expect

from tests.browser.test_chat_flow import customer_says, open_widget
from tests.support import ADMIN, AGENT1

pytestmark = pytest.mark.browser


class Staff:
    """A signed-in console user speaking to the REST API (session cookie + CSRF header)."""

    def __init__(self, request: APIRequestContext, url: str, who: tuple[str, str]) -> None:
        self.request = request
        self.url = url
        response = request.post(f"{url}/api/v1/auth/login", data={"username": who[0], "password": who[1]})
        assert response.ok, response.text()
        self.headers = {"X-CSRF-Token": response.json()["user"]["csrf_token"]}

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        response = self.request.fetch(f"{self.url}{path}", method=method, data=body, headers=self.headers)
        assert response.ok, f"{method} {path}: {response.status} {response.text()}"
        return response.json()


def visitor_conversation(request: APIRequestContext, url: str, name: str) -> int:
    """A customer who opened a conversation through the API (they wait like any other)."""
    session = request.post(f"{url}/api/v1/visitor/session", data={"name": name}).json()
    headers = {"Authorization": f"Bearer {session['token']}"}
    response = request.post(f"{url}/api/v1/visitor/conversations", headers=headers)
    assert response.ok, response.text()
    return int(response.json()["conversation"]["id"])


def test_customer_waits_behind_another_until_assigned(server, new_context):
    admin = Staff(new_context().request, server.url, ADMIN)
    agent = Staff(new_context().request, server.url, AGENT1)
    agent_id = next(
        a["user_id"] for a in admin.call("GET", "/api/v1/routing/agents")["agents"] if a["display_name"] == "小王"
    )

    # 小王 is the only agent online, with room for one customer — who is already there.
    admin.call("PUT", "/api/v1/routing/presence", {"user_id": agent_id, "capacity": 1})
    assert agent.call("PUT", "/api/v1/routing/presence", {"status": "online"})["presence"]["capacity"] == 1
    visitors = new_context().request
    first = visitor_conversation(visitors, server.url, "甲")
    second = visitor_conversation(visitors, server.url, "乙")
    presence = agent.call("GET", "/api/v1/routing/presence")["presence"]
    assert presence["load"] == 1

    # A third customer writes from the web site and waits behind 乙.
    page = new_context().new_page()
    widget = open_widget(page, server.url)
    customer_says(widget, "请问退款多久到账？")
    expect(widget.locator("#head-title")).to_have_text("正在转接人工客服")
    queue_line = widget.locator("#queue-text")
    expect(queue_line).to_have_text("前面还有 1 位，预计等待 10 分钟")
    expect(widget.locator("#queue")).to_be_visible()

    # 小王 finishes with 甲 and gets 乙: our customer is next.
    agent.call("POST", f"/api/v1/conversations/{first}/close")
    # (the estimate now uses 甲's short conversation as the average handling time)
    expect(queue_line).to_have_text(re.compile(r"^您是下一位，预计等待 \d+ 分钟$"))

    # 小王 finishes with 乙 and gets our customer: the header names the agent, the queue line goes.
    agent.call("POST", f"/api/v1/conversations/{second}/close")
    expect(widget.locator("#head-title")).to_have_text("小王")
    expect(widget.locator("#queue")).to_be_hidden()
    expect(widget.locator(".msg--system")).to_contain_text("小王")


def test_customer_leaves_a_message_when_nobody_is_online(server, new_context):
    page = new_context().new_page()
    widget = open_widget(page, server.url)
    customer_says(widget, "我的订单还没发货")

    # Nobody is online: the customer is told so and offered the leave-a-message form.
    expect(widget.locator("#queue-text")).to_contain_text("当前暂无客服在线")
    form = widget.locator("#leave-form")
    expect(form).to_be_visible()
    expect(widget.locator("#keep-waiting")).to_be_hidden()
    expect(widget.locator("#leave-text")).to_have_value("我的订单还没发货")

    widget.locator("#leave-contact").fill("不是电话")
    widget.locator("#leave-submit").click()
    expect(widget.locator("#leave-error")).to_have_text("请填写正确的手机号或邮箱")

    widget.locator("#leave-contact").fill("zhang@example.com")
    widget.locator("#leave-submit").click()
    expect(widget.locator("#leave-done")).to_contain_text("留言已提交")
    expect(widget.locator("#leave-done")).to_contain_text("zhang@example.com")
    expect(form).to_be_hidden()
    expect(widget.locator("#ended")).to_be_visible()

    # Agents find it among the messages.
    admin = Staff(new_context().request, server.url, ADMIN)
    left = admin.call("GET", "/api/v1/routing/leave-messages")["leave_messages"]
    assert [(m["text"], m["contact"]) for m in left] == [("我的订单还没发货", "zhang@example.com")]
