"""End-to-end chat between a customer (demo site + widget) and an agent (console), in real Chromium."""

from __future__ import annotations

import re
import struct
import zlib

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from tests.support import ADMIN, AGENT1

pytestmark = pytest.mark.browser


def open_widget(page: Page, url: str) -> FrameLocator:
    """Open the demo site and its chat window; returns the widget frame once it is ready."""
    page.goto(f"{url}/chat")
    launcher = page.locator(".kefu-launcher")
    expect(launcher).to_contain_text("在线客服")
    launcher.click()
    widget = page.frame_locator("iframe.kefu-panel__frame")
    expect(widget.locator("body.is-ready")).to_be_attached()
    expect(widget.locator(".w-welcome")).to_contain_text("您好，请问有什么可以帮您？")
    return widget


def customer_says(widget: FrameLocator, text: str) -> None:
    box = widget.locator("#input")
    box.fill(text)
    box.press("Enter")


def login(page: Page, url: str, who: tuple[str, str] = AGENT1) -> None:
    page.goto(f"{url}/console/login")
    page.fill("#username", who[0])
    page.fill("#password", who[1])
    page.click("#login-submit")
    expect(page).to_have_url(f"{url}/console")
    expect(page.locator("body.is-ready")).to_be_attached()


def click_bar_link(page: Page, selector: str) -> None:
    """Click a link of the console's top bar, opening its menu first when the links are folded into it
    (they are when they do not fit: a phone, or an admin's many links; topbar_menu.js)."""
    expect(page.locator(f"{selector}:visible, #topbar-menu:visible").first).to_be_visible()
    if not page.locator(selector).is_visible():
        page.click("#topbar-menu")
    page.click(selector)


def reload_console(page: Page) -> None:
    """Reload the console and wait until its script is wired up: until then the page's buttons and
    tabs are in the DOM (server-rendered) but clicking them does nothing."""
    page.reload()
    expect(page.locator("body.is-ready")).to_be_attached()


def show_view(page: Page, view: str) -> None:
    """Switch the console's list to ``view`` (waiting | mine | closed | all)."""
    tab = page.locator(f".tab[data-view={view}]")
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")


def agent_says(page: Page, text: str) -> None:
    box = page.locator("#reply-input")
    box.fill(text)
    box.press("Enter")


def open_waiting(page: Page, name_part: str = "") -> None:
    """Open the first waiting conversation (or the one whose name has ``name_part``) and take it."""
    show_view(page, "waiting")
    row = page.locator(".conv", has_text=name_part) if name_part else page.locator(".conv")
    row.first.click()
    page.click("#take-btn")
    expect(page.locator("#chat-status")).to_have_text("接待中")
    expect(page.locator("#reply-input")).to_be_enabled()


def tiny_png(width: int = 24, height: int = 16) -> bytes:
    """A valid RGB PNG (a blue-to-red gradient) built by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 10 % 256, 80, 255 - x * 10 % 256)) for x in range(width)) for _ in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def test_customer_and_agent_chat(server, new_context):
    customer = new_context().new_page()
    agent = new_context().new_page()

    widget = open_widget(customer, server.url)
    customer_says(widget, "你好，我忘记密码了")
    mine = widget.locator(".msg--mine")
    expect(mine).to_have_count(1)
    expect(mine.locator(".msg__text")).to_have_text("你好，我忘记密码了")
    expect(mine.locator(".msg__status")).to_have_text("已送达")

    login(agent, server.url)
    expect(agent.locator(".tab[data-view=waiting] .tab__count")).to_have_text("1")
    row = agent.locator("#conv-list .conv").first
    expect(row.locator(".conv__preview")).to_have_text("你好，我忘记密码了")
    expect(row.locator(".badge")).to_have_text("1")
    expect(row.locator(".chip")).to_have_text("等待中")

    row.click()
    expect(agent.locator("#reply-hint")).to_contain_text("接入")
    agent.click("#take-btn")
    expect(agent.locator("#chat-status")).to_have_text("接待中")
    expect(agent.locator(".msg--system").first).to_contain_text("小王")
    expect(agent.locator(".tab[data-view=mine] .tab__count")).to_have_text("1")
    expect(agent.locator(".tab[data-view=waiting] .tab__count")).to_have_text("0")

    # The agent has seen the customer's message: the customer sees it as read.
    expect(mine.locator(".msg__status")).to_have_text("已读")
    expect(widget.locator(".msg--system")).to_contain_text("客服 小王 已接入")

    # Typing indicators both ways.
    agent.locator("#reply-input").press_sequentially("您好")
    expect(widget.locator("#typing")).to_be_visible()
    expect(widget.locator("#typing")).to_contain_text("对方正在输入")
    widget.locator("#input").press_sequentially("好的")
    expect(agent.locator("#typing")).to_be_visible()
    expect(agent.locator("#typing")).to_contain_text("客户正在输入")
    widget.locator("#input").fill("")

    agent_says(agent, "您好，请提供您注册时的手机号。")
    reply = widget.locator(".msg--agent")
    expect(reply).to_have_count(1)
    expect(reply.locator(".msg__text")).to_have_text("您好，请提供您注册时的手机号。")
    expect(reply.locator(".msg__name")).to_have_text("小王")
    agent_mine = agent.locator(".msg--agent")
    expect(agent_mine.locator(".msg__status")).to_have_text("已读")

    customer_says(widget, "13800000000")
    expect(agent.locator(".msg--customer")).to_have_count(2)
    expect(agent.locator(".msg--customer").last.locator(".msg__text")).to_have_text("13800000000")

    # With the chat window closed, a reply raises a badge on the launcher and stays unread.
    widget.locator("#close-btn").click()
    expect(customer.locator(".kefu-panel")).to_be_hidden()
    agent_says(agent, "还有其他问题吗？")
    expect(customer.locator(".kefu-launcher__badge")).to_have_text("1")
    expect(agent_mine.last.locator(".msg__status")).to_have_text("已送达")
    customer.click(".kefu-launcher")
    expect(customer.locator(".kefu-launcher__badge")).to_be_hidden()
    expect(agent_mine.last.locator(".msg__status")).to_have_text("已读")

    agent.click("#close-conv")
    expect(agent.locator("#chat-status")).to_have_text("已结束")
    expect(agent.locator("#reply-input")).to_be_disabled()
    expect(widget.locator("#ended")).to_be_visible()
    expect(widget.locator("#ended")).to_contain_text("会话已结束")

    # The next message starts a new conversation, which waits for an agent again.
    customer_says(widget, "还有一个问题")
    expect(widget.locator("#ended")).to_be_hidden()
    expect(widget.locator(".msg--mine").last.locator(".msg__status")).to_have_text("已送达")
    expect(agent.locator(".tab[data-view=waiting] .tab__count")).to_have_text("1")
    expect(agent.locator(".tab[data-view=closed] .tab__count")).to_have_text("1")


def test_messages_survive_going_offline(server, new_context):
    customer_context = new_context()
    customer = customer_context.new_page()
    agent = new_context().new_page()

    widget = open_widget(customer, server.url)
    customer_says(widget, "在吗？")
    expect(widget.locator(".msg--mine .msg__status")).to_have_text("已送达")
    login(agent, server.url)
    open_waiting(agent)

    customer_context.set_offline(True)
    expect(widget.locator("#conn")).to_be_visible()

    agent_says(agent, "第一条回复")
    agent_says(agent, "第二条回复")
    expect(agent.locator(".msg--agent .msg__status")).to_have_text(["已送达", "已送达"])

    customer_says(widget, "我刚才掉线了")
    pending = widget.locator(".msg--mine").last
    expect(pending.locator(".msg__status")).to_have_text("发送中")
    expect(widget.locator(".msg--agent")).to_have_count(0)

    customer_context.set_offline(False)
    expect(widget.locator(".msg--agent .msg__text")).to_have_text(["第一条回复", "第二条回复"])
    expect(pending.locator(".msg__status")).to_have_text("已读")
    expect(widget.locator("#conn")).to_be_hidden()
    expect(agent.locator(".msg--customer .msg__text")).to_have_text(["在吗？", "我刚才掉线了"])

    # Exactly once, in order, on both sides (also after a reload of each side's history).
    expect(widget.locator(".msg--mine .msg__text")).to_have_text(["在吗？", "我刚才掉线了"])
    customer.reload()
    customer.click(".kefu-launcher")
    widget = customer.frame_locator("iframe.kefu-panel__frame")
    expect(widget.locator(".msg--agent .msg__text")).to_have_text(["第一条回复", "第二条回复"])
    expect(widget.locator(".msg--mine .msg__text")).to_have_text(["在吗？", "我刚才掉线了"])
    # After the reload, wait for the console's script before using it: a click on the 我的会话 tab
    # before it is wired is lost, the list stays on 等待中 (empty) and the conversation never shows.
    reload_console(agent)
    show_view(agent, "mine")
    agent.locator("#conv-list .conv").first.click()
    expect(agent.locator(".msg--customer .msg__text")).to_have_text(["在吗？", "我刚才掉线了"])


def test_image_upload_reaches_agent(server, new_context):
    customer = new_context().new_page()
    agent = new_context().new_page()

    widget = open_widget(customer, server.url)
    customer_says(widget, "截图如下")
    login(agent, server.url)
    open_waiting(agent)

    # A text and, right after it, a file: they are stored (and shown) in the order they were sent.
    customer_says(widget, "请看这张")
    widget.locator("#file").set_input_files({"name": "screenshot.png", "mimeType": "image/png", "buffer": tiny_png()})
    sent = widget.locator(".msg--mine").last
    expect(sent.locator("img.msg__img")).to_be_visible()
    expect(sent.locator(".msg__status")).to_have_text("已读")

    image = agent.locator(".msg--customer img.msg__img")
    expect(image).to_have_count(1)
    expect(agent.locator(".msg--customer .msg__bubble")).to_have_text(["截图如下", "请看这张", ""])
    expect(agent.locator(".msg--customer").last.locator("img.msg__img")).to_have_count(1)
    expect(image).to_have_attribute("src", "/api/v1/attachments/1")
    agent.wait_for_function(
        "() => { const i = document.querySelector('.msg--customer img.msg__img');"
        " return i && i.complete && i.naturalWidth === 24; }"
    )
    image.click()
    expect(agent.locator(".lightbox img")).to_be_visible()
    agent.locator(".lightbox").click()
    expect(agent.locator(".lightbox")).to_have_count(0)

    # The customer's copy is fetched with the visitor token and shown from a blob: URL.
    customer.reload()
    customer.click(".kefu-launcher")
    widget = customer.frame_locator("iframe.kefu-panel__frame")
    expect(widget.locator("img.msg__img")).to_have_attribute("src", re.compile(r"^blob:"))


def test_hostile_text_is_shown_as_text(server, new_context):
    customer = new_context().new_page()
    agent = new_context().new_page()
    payload = "<img src=x onerror=alert(1)>"
    name = "<script>alert(1)</script>"

    widget = open_widget(customer, server.url)
    widget.locator("#rename-btn").click()
    widget.locator("#name-input").fill(name)
    widget.locator("#rename-form button[type=submit]").click()
    expect(widget.locator("#rename-form")).to_be_hidden()
    customer_says(widget, payload)
    expect(widget.locator(".msg--mine .msg__text")).to_have_text(payload)
    expect(widget.locator(".msg--mine .msg__status")).to_have_text("已送达")

    login(agent, server.url)
    row = agent.locator("#conv-list .conv").first
    expect(row.locator(".conv__name")).to_have_text(name)
    expect(row.locator(".conv__preview")).to_have_text(payload)
    row.click()
    expect(agent.locator("#chat-name")).to_have_text(name)
    expect(agent.locator(".msg--customer .msg__text")).to_have_text(payload)
    expect(agent.locator(".msg--customer .msg__name")).to_have_text(name)
    agent.click("#take-btn")
    agent_says(agent, "</div><b>bold?</b>")
    expect(widget.locator(".msg--agent .msg__text")).to_have_text("</div><b>bold?</b>")

    for page in (agent, customer):
        assert page.locator("img[src=x]").count() == 0
        assert page.locator("b").count() == 0
    assert widget.locator("img[src=x]").count() == 0
    assert widget.locator(".msg b").count() == 0


def test_console_language_switch(server, new_context):
    page = new_context().new_page()
    page.goto(f"{server.url}/console")
    expect(page).to_have_url(f"{server.url}/console/login")
    expect(page.locator("#login-submit")).to_have_text("登录")

    page.fill("#username", "agent1")
    page.fill("#password", "wrong-password")
    page.click("#login-submit")
    expect(page.locator("#login-error")).to_have_text("用户名或密码错误")

    login(page, server.url)
    expect(page.locator(".tab[data-view=waiting]")).to_contain_text("等待中")
    expect(page.locator("#me-name")).to_have_text("小王")
    page.click(".lang-btn[data-lang=en]")
    expect(page.locator(".tab[data-view=waiting]")).to_contain_text("Waiting")
    expect(page.locator(".tab[data-view=mine]")).to_contain_text("Mine")
    expect(page.locator("#logout")).to_have_text("Sign out")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    reload_console(page)
    expect(page.locator(".tab[data-view=closed]")).to_contain_text("Closed")

    page.click(".lang-btn[data-lang=zh-CN]")
    expect(page.locator(".tab[data-view=waiting]")).to_contain_text("等待中")
    page.goto(f"{server.url}/console/login?lang=en")
    expect(page.locator("#login-submit")).to_have_text("Sign in")

    page.goto(f"{server.url}/console")
    expect(page.locator("body.is-ready")).to_be_attached()  # the sign-out button is wired by then
    page.click("#logout")
    expect(page).to_have_url(f"{server.url}/console/login")


def test_console_catches_up_after_a_drop_and_follows_other_agents(server, new_context):
    customer = new_context().new_page()
    agent_context = new_context()
    agent = agent_context.new_page()
    other = new_context().new_page()

    widget = open_widget(customer, server.url)
    customer_says(widget, "第一条")
    login(agent, server.url)
    login(other, server.url, ADMIN)
    expect(other.locator(".tab[data-view=waiting] .tab__count")).to_have_text("1")
    open_waiting(agent)
    # Taken by someone else: it leaves the other console's waiting list live.
    expect(other.locator(".tab[data-view=waiting] .tab__count")).to_have_text("0")
    expect(other.locator("#list-empty")).to_be_visible()

    agent_context.set_offline(True)
    expect(agent.locator("#conn")).to_be_visible()
    customer_says(widget, "第二条")
    customer_says(widget, "第三条")
    expect(widget.locator(".msg--mine .msg__status")).to_have_text(["已读", "已送达", "已送达"])
    agent_says(agent, "稍等，我查一下")
    expect(agent.locator(".msg--agent .msg__status")).to_have_text("发送中")

    agent_context.set_offline(False)
    expect(agent.locator("#conn")).to_be_hidden()
    expect(agent.locator(".msg--customer .msg__text")).to_have_text(["第一条", "第二条", "第三条"])
    expect(agent.locator(".msg--agent .msg__status")).to_have_text("已读")
    expect(widget.locator(".msg--agent .msg__text")).to_have_text(["稍等，我查一下"])
    expect(widget.locator(".msg--mine .msg__status")).to_have_text(["已读", "已读", "已读"])


def test_console_pages_back_and_shows_earlier_conversations(server, new_context):
    visitor_api = new_context().request
    session = visitor_api.post(f"{server.url}/api/v1/visitor/session", data={"name": "老客户"}).json()
    bearer = {"Authorization": f"Bearer {session['token']}"}
    first = visitor_api.post(f"{server.url}/api/v1/visitor/conversations", headers=bearer).json()
    first_id = first["conversation"]["id"]
    for n in range(1, 61):
        response = visitor_api.post(
            f"{server.url}/api/v1/conversations/{first_id}/messages",
            headers=bearer,
            data={"text": f"消息 {n}", "client_msg_id": f"m{n}"},
        )
        assert response.ok, response.text()

    agent = new_context().new_page()
    login(agent, server.url)
    open_waiting(agent, "老客户")
    customer_texts = agent.locator(".msg--customer .msg__text")
    expect(customer_texts).to_have_count(50)
    expect(customer_texts.first).to_have_text("消息 11")
    agent.click("#load-earlier")
    expect(customer_texts).to_have_count(60)
    expect(customer_texts.first).to_have_text("消息 1")
    expect(agent.locator("#load-earlier")).to_have_text("没有更早的消息了")
    agent.click("#close-conv")
    expect(agent.locator("#chat-status")).to_have_text("已结束")

    second = visitor_api.post(f"{server.url}/api/v1/visitor/conversations", headers=bearer).json()
    second_id = second["conversation"]["id"]
    assert second_id != first_id
    visitor_api.post(
        f"{server.url}/api/v1/conversations/{second_id}/messages",
        headers=bearer,
        data={"text": "我又来了", "client_msg_id": "again"},
    )
    open_waiting(agent, "老客户")
    expect(agent.locator(".msg--customer .msg__text")).to_have_text(["我又来了"])
    earlier = agent.locator("#info-history .history-item")
    expect(earlier).to_have_count(1)
    expect(earlier.locator(".chip")).to_have_text("已结束")
    earlier.click()
    expect(agent.locator("#history-banner")).to_be_visible()
    expect(agent.locator(".msg--customer .msg__text").last).to_have_text("消息 60")
    expect(agent.locator("#reply-input")).to_be_disabled()
    agent.click("#back-current")
    expect(agent.locator("#history-banner")).to_be_hidden()
    expect(agent.locator(".msg--customer .msg__text")).to_have_text(["我又来了"])
    expect(agent.locator("#reply-input")).to_be_enabled()
