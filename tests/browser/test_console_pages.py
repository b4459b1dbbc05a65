"""Issue 11's console and widget changes in real Chromium: the phone-width top bar and chat header, the
widget's branding edited with a live preview and shown in the widget, a returning customer's history,
naming a customer, and the skill-group (business hours) and users pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_chat_flow import customer_says, login, open_widget, tiny_png
from tests.support import ADMIN, AGENT1

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
STAFF_PAGES = (
    "kb",
    "messages",
    "supervisor",
    "settings",
    "texts",
    "flows",
    "integrations",
    "groups",
    "users",
    "widget",
)

OUTSIDE_BAR = """() => [...document.querySelectorAll('#topbar *')].filter((node) => {
  const box = node.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && (box.right > innerWidth + 1 || box.left < -1);
}).map((node) => node.id || node.className || node.tagName)"""


def api_as_page(page: Page, method: str, path: str, body: object | None = None) -> object:
    """Call the API with the signed-in page's session (and its CSRF token)."""
    return page.evaluate(
        """async ([method, path, body]) => {
          const me = (await (await fetch('/api/v1/auth/me')).json()).user;
          const init = { method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token } };
          if (body !== null) init.body = JSON.stringify(body);
          const response = await fetch(path, init);
          return { status: response.status, body: await response.json() };
        }""",
        [method, path, body],
    )


def test_the_top_bar_and_chat_header_fit_a_phone(server, new_context):
    customer = new_context().new_page()
    widget = open_widget(customer, server.url)
    customer_says(widget, "你好")
    expect(widget.locator(".msg--mine .msg__status")).to_have_text("已送达")

    admin = new_context(viewport=PHONE).new_page()
    login(admin, server.url, ADMIN)
    assert admin.evaluate(OUTSIDE_BAR) == []
    for page in STAFF_PAGES:
        admin.goto(f"{server.url}/console/{page}")
        expect(admin.locator("body.is-ready")).to_be_attached()
        assert admin.evaluate(OUTSIDE_BAR) == [], page
        expect(admin.locator("#logout")).to_be_hidden()  # folded into the menu, not pushed off-screen

    # The menu holds every page, the language switch and 退出登录, all on screen.
    admin.click("#topbar-menu")
    expect(admin.locator("#topbar-menu")).to_have_attribute("aria-expanded", "true")
    for key in STAFF_PAGES:
        expect(admin.locator(f"#nav-{key}")).to_be_in_viewport()
    expect(admin.locator("#logout")).to_be_in_viewport()
    admin.locator(".lang-btn[data-lang=en]").click()
    expect(admin.locator("h1")).to_have_text("Widget")
    admin.keyboard.press("Escape")

    # The console: the conversation header keeps the group name on one line.
    admin.goto(f"{server.url}/console")
    expect(admin.locator("body.is-ready")).to_be_attached()
    assert admin.evaluate(OUTSIDE_BAR) == []
    admin.locator(".tab[data-view=waiting]").click()
    admin.locator("#conv-list .conv").first.click()
    group = admin.locator("#chat-group")
    expect(group).to_be_visible()
    assert group.bounding_box()["height"] < 24
    admin.click("#topbar-menu")
    expect(admin.locator("#logout")).to_be_in_viewport()
    expect(admin.locator(".lang-btn[data-lang=en]")).to_be_in_viewport()


def test_admin_brands_the_widget_with_a_live_preview(server, new_context, tmp_path):
    admin = new_context().new_page()
    login(admin, server.url, ADMIN)
    admin.goto(f"{server.url}/console/widget")
    expect(admin.locator("body.is-ready")).to_be_attached()
    expect(admin.locator("#bp-title")).to_have_text("在线客服")
    expect(admin.locator("#bp-welcome")).to_have_text("您好，请问有什么可以帮您？")

    admin.fill("#b-name", "云帆科技")
    admin.fill("#b-reply", "工作日 9:00–21:00 · 一般 1 分钟内回复")
    admin.fill("#b-greeting-zh-CN", "欢迎来到云帆！有什么可以帮您？")
    admin.fill("#b-colour", "#0a7b5g")
    expect(admin.locator("#brand-error")).to_be_visible()
    expect(admin.locator("#brand-save")).to_be_disabled()
    admin.fill("#b-colour", "#0a7b55")
    # The preview follows as the admin types.
    expect(admin.locator("#bp-title")).to_have_text("云帆科技")
    expect(admin.locator("#bp-sub")).to_have_text("工作日 9:00–21:00 · 一般 1 分钟内回复")
    expect(admin.locator("#bp-welcome")).to_have_text("欢迎来到云帆！有什么可以帮您？")
    expect(admin.locator(".bp-send")).to_have_css("background-color", "rgb(10, 123, 85)")
    admin.click("#brand-save")
    expect(admin.locator("#toasts")).to_contain_text("已保存")
    logo = tmp_path / "logo.png"
    logo.write_bytes(tiny_png(32, 32))
    admin.set_input_files("#b-logo-file", str(logo))
    expect(admin.locator("#toasts")).to_contain_text("标志已更新")
    expect(admin.locator("#bp-logo")).to_be_visible()

    # A customer's widget shows all of it.
    customer = new_context(viewport=PHONE).new_page()
    customer.goto(f"{server.url}/chat")
    customer.locator(".kefu-launcher").click()
    widget = customer.frame_locator("iframe.kefu-panel__frame")
    expect(widget.locator("body.is-ready")).to_be_attached()
    expect(widget.locator("#head-title")).to_have_text("云帆科技")
    expect(widget.locator("#head-sub")).to_have_text("工作日 9:00–21:00 · 一般 1 分钟内回复")
    expect(widget.locator("#welcome")).to_have_text("欢迎来到云帆！有什么可以帮您？")
    expect(widget.locator("#send")).to_have_css("background-color", "rgb(10, 123, 85)")
    img = widget.locator(".w-logo")
    expect(img).to_be_visible()
    assert img.evaluate("(node) => node.complete && node.naturalWidth") == 32

    # Agents may not open the page.
    agent = new_context().new_page()
    login(agent, server.url, AGENT1)
    agent.goto(f"{server.url}/console/widget")
    expect(agent.locator("#adm-forbidden")).to_be_visible()


def _visitor_closes(widget_page: Page) -> None:
    """The visitor's conversation is closed (by the visitor's own token, as a timeout would)."""
    status = (
        widget_page.frame_locator("iframe.kefu-panel__frame")
        .locator("body")
        .evaluate(
            """async (body) => {
          const token = localStorage.getItem('kefu_visitor_token');
          const r = await fetch(`/api/v1/conversations/${body.dataset.conversation}/close`, {
            method: 'POST', headers: { Authorization: `Bearer ${token}` } });
          return r.status;
        }"""
        )
    )
    assert status == 200


def test_a_returning_customer_sees_their_earlier_conversation(server, new_context):
    context = new_context(viewport=PHONE)
    customer = context.new_page()
    widget = open_widget(customer, server.url)
    customer_says(widget, "我上周买的耳机没声音")
    expect(widget.locator(".msg--mine .msg__status")).to_have_text("已送达")
    _visitor_closes(customer)
    expect(widget.locator("#ended")).to_be_visible()

    # Coming back later: the earlier chat is above the divider, read-only; today's chat starts below it.
    customer.reload()
    customer.locator(".kefu-launcher").click()
    widget = customer.frame_locator("iframe.kefu-panel__frame")
    expect(widget.locator("body.is-ready")).to_be_attached()
    past = widget.locator("#past")
    expect(past).to_be_visible()
    expect(past.locator(".msg--mine .msg__text")).to_have_text(["我上周买的耳机没声音"])
    expect(widget.locator("#past-label")).to_have_text("以前的对话")
    expect(widget.locator("#messages .msg")).to_have_count(0)

    # Another visitor sees nothing of it.
    stranger = new_context(viewport=PHONE).new_page()
    other = open_widget(stranger, server.url)
    expect(other.locator("#past")).to_be_hidden()

    earlier = past.locator(".msg").count()
    customer_says(widget, "还是没声音")
    expect(widget.locator("#messages .msg--mine .msg__text")).to_have_text(["还是没声音"])
    expect(past.locator(".msg")).to_have_count(earlier)  # today's chat goes below the divider


def test_an_agent_names_a_customer(server, new_context):
    customer = new_context().new_page()
    widget = open_widget(customer, server.url)
    customer_says(widget, "我想改收货地址")
    agent = new_context().new_page()
    login(agent, server.url, AGENT1)
    agent.locator(".tab[data-view=waiting]").click()
    agent.locator("#conv-list .conv").first.click()
    agent.click("#take-btn")
    expect(agent.locator("#chat-status")).to_have_text("接待中")
    expect(agent.locator("#info-name")).to_have_text(re.compile(r"^访客\d+$"))

    agent.click("#info-rename")
    agent.fill("#info-rename-input", "王女士")
    agent.click("#info-rename-save")
    expect(agent.locator("#info-name")).to_have_text("王女士")
    expect(agent.locator("#chat-name")).to_have_text("王女士")
    expect(agent.locator("#conv-list .conv").first).to_contain_text("王女士")
    agent.reload()
    expect(agent.locator("body.is-ready")).to_be_attached()
    agent.locator(".tab[data-view=mine]").click()
    expect(agent.locator("#conv-list .conv").first).to_contain_text("王女士")


def _fill_editor(page: Page) -> None:
    page.uncheck("#g-always")
    page.fill("#g-timezone", "Asia/Shanghai")
    page.fill("#g-day-mon", "09:00-12:00, 13:30-18:00")
    page.fill("#g-day-sat", "10:00-16:00")
    page.fill("#g-holidays", "2026-10-01")
    page.fill("#g-off-hours", "现在是非工作时间，请留言")


def test_admin_sets_up_a_group_with_hours_and_a_user_in_it(server, new_context):
    admin = new_context().new_page()
    login(admin, server.url, ADMIN)
    admin.goto(f"{server.url}/console/groups")
    expect(admin.locator("body.is-ready")).to_be_attached()
    admin.fill("#grp-new-name", "企业客户")
    admin.click("#grp-new-add")
    expect(admin.locator("#grp-form-title")).to_have_text("企业客户")
    _fill_editor(admin)
    admin.fill("#g-day-tue", "9点到6点")
    admin.click("#grp-save")
    expect(admin.locator("#grp-error")).to_contain_text("9点到6点")
    admin.fill("#g-day-tue", "")
    admin.select_option("#g-strategy", "round_robin")
    admin.fill("#g-capacity", "3")
    admin.click("#grp-save")
    expect(admin.locator("#toasts")).to_contain_text("已保存")

    admin.reload()
    expect(admin.locator("body.is-ready")).to_be_attached()
    admin.locator(".grp-item", has_text="企业客户").click()
    expect(admin.locator("#g-always")).not_to_be_checked()
    expect(admin.locator("#g-day-mon")).to_have_value("09:00-12:00, 13:30-18:00")
    expect(admin.locator("#g-day-sun")).to_have_value("")
    expect(admin.locator("#g-holidays")).to_have_value("2026-10-01")
    expect(admin.locator("#g-strategy")).to_have_value("round_robin")
    expect(admin.locator("#g-capacity")).to_have_value("3")
    hours = api_as_page(admin, "GET", "/api/v1/routing/groups")
    group = next(g for g in hours["body"]["groups"] if g["name"] == "企业客户")
    assert group["hours"]["weekly"] == {"mon": ["09:00-12:00", "13:30-18:00"], "sat": ["10:00-16:00"]}

    # A supervisor and an agent of the new group.
    admin.goto(f"{server.url}/console/users")
    expect(admin.locator("body.is-ready")).to_be_attached()
    for username, name, role in (("lead", "组长", "supervisor"), ("agent3", "小张", "agent")):
        admin.click("#usr-add")
        admin.fill("#u-username", username)
        admin.fill("#u-name", name)
        admin.select_option("#u-role", role)
        admin.locator("#u-groups label", has_text="企业客户").locator("input").check()
        admin.fill("#u-password", f"{username}-pass-123")
        admin.click("#usr-submit")
        expect(admin.locator(f"#usr-rows tr[data-username={username}]")).to_contain_text("企业客户")

    newcomer = new_context().new_page()
    login(newcomer, server.url, ("agent3", "agent3-pass-123"))
    expect(newcomer.locator("#me-name")).to_have_text("小张")

    # Deactivated: the newcomer's session ends.
    row = admin.locator("#usr-rows tr[data-username=agent3]")
    row.locator("[data-act=active]").click()
    admin.locator("#confirm-yes").click()
    expect(row).to_contain_text("已停用")
    assert newcomer.evaluate("async () => (await fetch('/api/v1/auth/me')).status") == 401

    # The supervisor looks but cannot change.
    lead = new_context().new_page()
    login(lead, server.url, ("lead", "lead-pass-123"))
    lead.goto(f"{server.url}/console/groups")
    expect(lead.locator("#adm-readonly")).to_be_visible()
    expect(lead.locator("#g-name")).to_be_disabled()
    expect(lead.locator("#grp-save")).to_be_hidden()
    lead.goto(f"{server.url}/console/users")
    expect(lead.locator("#usr-rows tr")).to_have_count(5)
    expect(lead.locator("#usr-add")).to_be_hidden()
    expect(lead.locator("#usr-rows [data-act]")).to_have_count(0)
