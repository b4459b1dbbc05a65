"""Screenshots of the UI for review (desktop 1366×800 and phone 375×667).

Only runs when ``KEFU_SCREENSHOTS`` names a directory (outside the repository), e.g.
``KEFU_SCREENSHOTS=/work/screenshots pytest tests/browser/test_screenshots.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_chat_flow import agent_says, customer_says, login, open_waiting, open_widget, tiny_png

pytestmark = pytest.mark.browser
OUT = os.environ.get("KEFU_SCREENSHOTS", "")


@pytest.mark.skipif(not OUT, reason="set KEFU_SCREENSHOTS to a directory to take screenshots")
def test_screenshots(server, new_context):
    out = Path(OUT)
    out.mkdir(parents=True, exist_ok=True)
    agent_page = new_context(DESKTOP).new_page()
    agent_page.goto(f"{server.url}/console/login")
    agent_page.screenshot(path=out / "login-desktop.png")
    phone_login = new_context(PHONE).new_page()
    phone_login.goto(f"{server.url}/console/login")
    phone_login.screenshot(path=out / "login-phone.png")

    customer = new_context(DESKTOP).new_page()
    widget = open_widget(customer, server.url)
    customer.screenshot(path=out / "chat-desktop-open.png")
    widget.locator("#rename-btn").click()
    widget.locator("#name-input").fill("张三")
    widget.locator("#rename-form button[type=submit]").click()
    customer_says(widget, "你好，我的账号登录时提示异常，怎么办？")

    phone = new_context(PHONE).new_page()
    phone_widget = open_widget(phone, server.url)
    customer_says(phone_widget, "请问退款多久到账？")
    expect(phone_widget.locator(".msg--mine .msg__status")).to_have_text("已送达")

    login(agent_page, server.url)
    open_waiting(agent_page, "张三")
    agent_says(agent_page, "您好，我是客服小王。请问您看到的具体提示是什么？方便截图给我吗？")
    customer_says(widget, "好的，截图如下")
    widget.locator("#file").set_input_files({"name": "提示.png", "mimeType": "image/png", "buffer": tiny_png(64, 40)})
    expect(agent_page.locator(".msg--customer img.msg__img")).to_be_visible()
    agent_says(agent_page, "收到，这是异地登录保护。请在“账号安全”中确认是本人操作即可解除。")
    expect(widget.locator(".msg--agent")).to_have_count(2)
    widget.locator("#input").press_sequentially("谢谢")
    expect(agent_page.locator("#typing")).to_be_visible()
    customer.screenshot(path=out / "chat-desktop-conversation.png")
    agent_page.screenshot(path=out / "console-desktop.png")

    phone_agent = new_context(PHONE).new_page()
    login(phone_agent, server.url)
    phone_agent.screenshot(path=out / "console-phone-list.png")
    phone_agent.locator("#conv-list .conv").first.click()
    expect(phone_agent.locator("#chat-main")).to_be_visible()
    phone_agent.screenshot(path=out / "console-phone-chat.png")

    open_waiting(agent_page, "")
    agent_says(agent_page, "您好，退款一般 1–3 个工作日原路退回。")
    expect(phone_widget.locator(".msg--agent")).to_have_count(1)
    phone.screenshot(path=out / "widget-phone-conversation.png")
    agent_page.click(".lang-btn[data-lang=en]")
    expect(agent_page.locator(".tab[data-view=waiting]")).to_contain_text("Waiting")
    agent_page.click(".tab[data-view=mine]")
    agent_page.locator("#conv-list .conv").first.click()
    expect(agent_page.locator("#chat-main")).to_be_visible()
    agent_page.screenshot(path=out / "console-desktop-en.png")
