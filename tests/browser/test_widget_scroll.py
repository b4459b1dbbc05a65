"""The widget keeps the newest reply in view on a phone (390×844): after every bot turn — an answer, a
clarifying question with buttons, a flow's list of logins with its buttons, the hand-over with the
queue banner and the leave-a-message form appearing under the thread — the newest message's bottom
edge lies inside the visible part of the thread."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_chat_flow import customer_says, open_widget
from tests.browser.test_journeys import (  # noqa: F401 (fixtures)
    PHONE_VIEW,
    ZHANG_WEI,
    bot_said,
    code_from_outbox,
    customer_types_code,
    demo_system,
    journey_server,
)

pytestmark = pytest.mark.browser

NEWEST_IN_VIEW = """() => {
  const frame = document.querySelector("iframe.kefu-panel__frame");
  const doc = frame && frame.contentDocument;
  if (!doc) return false;
  const scroller = doc.getElementById("scroller");
  const all = doc.querySelectorAll("#messages .msg");
  const last = all[all.length - 1];
  if (!last) return false;
  const view = scroller.getBoundingClientRect();
  const box = last.getBoundingClientRect();
  return box.bottom <= view.bottom + 1 && box.bottom > view.top;
}"""


DEBUG = """() => {
  const d = document.querySelector("iframe.kefu-panel__frame").contentDocument;
  const s = d.getElementById("scroller");
  const all = d.querySelectorAll("#messages .msg");
  const l = all[all.length - 1];
  return { scrollHeight: s.scrollHeight, scrollTop: s.scrollTop, clientHeight: s.clientHeight,
           viewBottom: s.getBoundingClientRect().bottom, lastBottom: l.getBoundingClientRect().bottom,
           last: l.textContent.slice(0, 60), count: all.length };
}"""


def newest_in_view(page: Page) -> None:
    """Wait until the newest message's bottom is inside the thread's visible part (fails if it never is)."""
    try:
        page.wait_for_function(NEWEST_IN_VIEW, timeout=10_000)
    except Exception:
        print(page.evaluate(DEBUG))  # where the thread stood, for whoever reads the failure
        page.screenshot(path="/tmp/console-shots/scroll-fail.png")
        raise


def test_every_bot_turn_ends_in_view_on_a_phone(journey_server, demo_system, new_context):  # noqa: F811
    customer = new_context(viewport=PHONE_VIEW).new_page()
    widget = open_widget(customer, journey_server.url)

    # A plain answer, several times, so the thread is taller than the screen.
    for question in ("密码想不起来了怎么办", "怎么修改绑定手机号", "退款多久到账"):
        customer_says(widget, question)
        expect(widget.locator(".msg--mine .msg__text").last).to_have_text(question)
        expect(widget.locator(".msg--bot").last).to_be_attached()
        newest_in_view(customer)

    # A flow: the logins list with its two buttons.
    customer_says(widget, "收到异地登录提醒")
    bot_said(widget, "请输入账号绑定的手机号")
    newest_in_view(customer)
    customer_says(widget, ZHANG_WEI)
    bot_said(widget, "验证码已发送至 138****8000")
    newest_in_view(customer)
    customer_types_code(widget, code_from_outbox(customer, demo_system.url, ZHANG_WEI))
    logins = bot_said(widget, "最近的登录记录")
    expect(logins.locator(".bot-chip--action")).to_have_count(2)
    newest_in_view(customer)
    logins.get_by_role("button", name="是我", exact=True).click()
    expect(widget.locator(".msg--mine .msg__text").last).to_have_text("是我")
    expect(widget.locator(".msg").last).not_to_have_class("msg msg--mine")
    newest_in_view(customer)

    # A person: the queue banner and then the leave-a-message form appear below the thread.
    customer_says(widget, "转人工")
    expect(widget.locator("#queue")).to_be_visible()
    newest_in_view(customer)
    expect(widget.locator("#leave-form")).to_be_visible()
    newest_in_view(customer)

    # Reading back up is not undone by the next reply; the customer's own message brings the end back.
    widget.locator("#scroller").hover()
    customer.mouse.wheel(0, -5000)
    expect(widget.locator("#scroller")).to_have_js_property("scrollTop", 0)
    customer_says(widget, "还在吗")
    newest_in_view(customer)
