"""The flows page in real Chromium: an admin finds the demo's journeys, breaks one and sees the problem
at its line, fixes it, saves a draft and publishes it; a test run goes to its end; agents only look."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kefu.demo import DEMO_FLOWS
from tests.browser.test_chat_flow import login
from tests.support import ADMIN, AGENT1

pytestmark = pytest.mark.browser

BROKEN = "on: {not_found: no_account}"
SMALL = """key: browser_small
name: {zh-CN: 小流程, en: Small flow}
steps:
  - id: hello
    say: 您好，这是一个测试流程。
  - id: ask
    say: 要结束吗？
    choose:
      - {label: 好的, next: bye}
      - {label: 再问一次, next: ask}
  - id: bye
    end: resolved
    say: 再见！
"""


def _demo_keys() -> list[str]:
    keys = []
    for path in sorted(DEMO_FLOWS.glob("*.yaml")):
        match = re.search(r"^key: (\w+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        assert match is not None
        keys.append(match.group(1))
    return keys


def _open_flows(page: Page, url: str) -> None:
    page.goto(f"{url}/console/flows")
    expect(page.locator("body.is-ready")).to_be_attached()


def test_admin_breaks_fixes_saves_and_publishes_a_flow(server, new_context):
    admin = new_context().new_page()
    login(admin, server.url, ADMIN)
    _open_flows(admin, server.url)
    keys = _demo_keys()
    expect(admin.locator(".flow-item")).to_have_count(len(keys))
    for key in keys:
        expect(admin.locator(f'.flow-item[data-key="{key}"]')).to_contain_text("已发布 v1")

    admin.locator('.flow-item[data-key="forgot_password"]').click()
    expect(admin.locator("#flow-name")).to_have_text("忘记密码")
    expect(admin.locator('.step[data-step="find_user"] .step__kind')).to_have_text("调用")
    admin.locator('.flow-tab[data-tab="edit"]').click()
    editor = admin.locator("#editor-text")
    expect(admin.locator("#editor-state")).to_have_attribute("data-state", "ok")

    source = editor.input_value()
    line = source.splitlines().index(next(s for s in source.splitlines() if BROKEN in s)) + 1
    editor.fill(source.replace(BROKEN, "on: {not_found: no_acount}"))
    problem = admin.locator(".problem")
    expect(problem).to_have_count(1)
    expect(problem.locator(".problem__line")).to_have_text(f"第 {line} 行")
    expect(problem).to_contain_text("no_acount")
    expect(admin.locator(f"#editor-gutter span:nth-child({line})")).to_have_class("is-bad")
    expect(admin.locator("#editor-save")).to_be_disabled()
    problem.click()
    selected = admin.evaluate(
        "() => { const t = document.getElementById('editor-text');"
        " return t.value.slice(t.selectionStart, t.selectionEnd); }"
    )
    assert "no_acount" in selected

    editor.fill("# edited in the browser test\n" + source)
    expect(admin.locator("#editor-state")).to_have_attribute("data-state", "ok")
    expect(problem).to_have_count(0)
    admin.locator("#editor-save").click()
    expect(admin.locator(".toast-item")).to_contain_text("已保存为草稿 v2")
    expect(admin.locator("#flow-viewing")).to_contain_text("v2")
    expect(admin.locator('.flow-item[data-key="forgot_password"]')).to_contain_text("草稿 v2")

    admin.locator("#flow-publish").click()
    admin.locator("#confirm-yes").click()
    expect(admin.locator("#flow-status")).to_have_text("已发布 v2")
    item = admin.locator('.flow-item[data-key="forgot_password"]')
    expect(item).to_contain_text("已发布 v2")
    expect(item).not_to_contain_text("草稿")
    admin.locator('.flow-tab[data-tab="versions"]').click()
    expect(admin.locator("#versions tr")).to_have_count(2)
    expect(admin.locator('#versions tr[data-version="2"]')).to_contain_text("管理员")
    expect(admin.locator('#versions tr[data-version="1"]')).to_contain_text("已停用 v1")


def test_a_test_run_goes_to_the_end(server, new_context):
    admin = new_context().new_page()
    login(admin, server.url, ADMIN)
    _open_flows(admin, server.url)
    admin.locator("#flows-new").click()
    admin.locator("#editor-text").fill(SMALL)
    expect(admin.locator("#editor-state")).to_have_attribute("data-state", "ok")
    expect(admin.locator("#flow-key")).to_have_text("browser_small")

    admin.locator('.flow-tab[data-tab="test"]').click()
    admin.locator("#sim-start button[type=submit]").click()
    expect(admin.locator(".sim-msg--bot").first).to_have_text(re.compile("这是一个测试流程"))
    admin.locator(".sim-chip", has_text="再问一次").click()
    expect(admin.locator(".sim-msg--customer")).to_have_text("再问一次")
    admin.locator(".sim-chip:not([disabled])", has_text="好的").click()
    expect(admin.locator(".sim-msg--bot").last).to_contain_text("再见！")
    card = admin.locator("#sim-chat .flow-card")
    expect(card).to_contain_text("小流程")
    expect(card).to_contain_text("已完成")
    expect(admin.locator("#sim-compose")).to_be_hidden()
    expect(admin.locator("#sim-ms")).to_contain_text("毫秒")


def test_agents_may_look_but_not_change(server, new_context):
    agent = new_context().new_page()
    login(agent, server.url, AGENT1)
    _open_flows(agent, server.url)
    expect(agent.locator("#flows-readonly")).to_be_visible()
    expect(agent.locator("#flows-admin")).to_be_hidden()
    agent.locator('.flow-item[data-key="account_stolen"]').click()
    expect(agent.locator(".step")).not_to_have_count(0)
    expect(agent.locator("#flow-retire")).to_be_hidden()
    expect(agent.locator('.flow-tab[data-tab="test"]')).to_be_hidden()
    agent.locator('.flow-tab[data-tab="edit"]').click()
    expect(agent.locator("#editor-text")).to_have_attribute("readonly", "")
    expect(agent.locator("#editor-save")).to_be_hidden()

    csrf = agent.evaluate("() => fetch('/api/v1/auth/me').then((r) => r.json()).then((d) => d.user.csrf_token)")
    response = agent.request.post(
        f"{server.url}/api/v1/flows/versions",
        data={"source": SMALL},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status == 403
