"""The knowledge-base admin page (/console/kb) in real Chromium: search, create, the bot using the new
entry at once, disabling it, and an import that names its bad line and imports nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_bot_flow import bot_messages, bot_server  # noqa: F401 (fixture)
from tests.browser.test_chat_flow import click_bar_link, customer_says, login, open_widget
from tests.support import ADMIN, AGENT1

pytestmark = pytest.mark.browser

QUESTION = "积分可以兑换哪些礼品"
SIMILAR = ["积分能换什么", "积分商城在哪里", "怎么用积分换东西"]
ANSWER = "在“我的—积分商城”中选择礼品即可兑换，积分不足时可以先完成每日任务。详见 https://example.com/points 。"
BAD_CSV = (
    "question,answer,enabled\n"
    "退货地址在哪里,请在订单详情页查看退货地址。,yes\n"
    "发票抬头能改吗,开票前可以在订单里修改。,maybe\n"
)


def open_kb(page: Page, url: str, who: tuple[str, str] = ADMIN) -> None:
    login(page, url, who)
    click_bar_link(page, "#kb-link")
    expect(page).to_have_url(f"{url}/console/kb")
    expect(page.locator("body.is-ready")).to_be_attached()


def search(page: Page, text: str) -> None:
    page.fill("#search", text)
    page.press("#search", "Enter")


def test_admin_edits_the_knowledge_base(bot_server, new_context):  # noqa: F811
    admin = new_context().new_page()
    open_kb(admin, bot_server.url)
    rows = admin.locator("#entries tr.entry")
    expect(rows.first).to_be_visible()
    total = admin.locator("#count-entries").inner_text()
    assert int(total) > 50

    # Search narrows the list.
    search(admin, "忘记密码")
    expect(rows.filter(has_text="忘记密码怎么办")).to_have_count(1)
    expect(admin.locator("#result-count")).to_contain_text("条结果")
    assert rows.count() < 10

    # A new entry with similar questions (one per line); the form shows server-side errors.
    admin.click("#new-entry")
    expect(admin.locator("#drawer")).to_be_visible()
    admin.fill("#f-question", QUESTION)
    admin.click("#save-entry")
    expect(admin.locator("#entry-error")).to_have_text("请填写答案")
    admin.fill("#f-similar", "\n".join(SIMILAR))
    admin.fill("#f-answer", ANSWER)
    admin.fill("#f-category", "会员")
    admin.fill("#f-keywords", "积分, 礼品")
    admin.click("#save-entry")
    expect(admin.locator("#drawer")).to_be_hidden()
    expect(admin.locator("#toasts")).to_contain_text("已保存")
    expect(admin.locator("#count-entries")).to_have_text(str(int(total) + 1))
    search(admin, "积分")
    row = rows.filter(has_text=QUESTION)
    expect(row).to_have_count(1)
    expect(row.locator(".entry__similar")).to_have_text("3 个相似问法")
    expect(row.locator(".col-category")).to_have_text("会员")

    # A customer asks in other words and the bot answers with the new entry (no restart); its link
    # is a real, safe link.
    customer = new_context().new_page()
    widget = open_widget(customer, bot_server.url)
    customer_says(widget, "积分能换什么东西呀")
    answer = bot_messages(widget, "answer").last
    expect(answer.locator(".msg__text")).to_contain_text("积分商城")
    link = answer.locator("a.msg__link")
    expect(link).to_have_attribute("href", "https://example.com/points")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_attribute("target", "_blank")
    answer.locator(".bot-feedback__btn[data-helpful=false]").click()
    expect(answer.locator(".bot-feedback__thanks")).to_be_visible()

    # Disabled, the entry no longer answers (the bot re-indexes in the background, in well under the
    # time a new visitor's chat window takes to open).
    toggle = row.locator("input.switch")
    expect(toggle).to_be_checked()
    toggle.click()
    expect(admin.locator("#toasts")).to_contain_text("已停用")
    expect(row).to_have_class("entry is-disabled")
    row.click()
    expect(admin.locator("#f-similar")).to_have_value("\n".join(SIMILAR))
    expect(admin.locator("#f-enabled")).not_to_be_checked()
    admin.click("#cancel-entry")
    later = open_widget(new_context().new_page(), bot_server.url)
    customer_says(later, "积分能换什么东西呀")
    expect(bot_messages(later)).not_to_have_count(0)
    expect(bot_messages(later).first.locator(".msg__text")).not_to_contain_text("积分商城")

    # An import with a bad line names the line and imports nothing.
    admin.locator("#import-file").set_input_files(
        {"name": "faq.csv", "mimeType": "text/csv", "buffer": BAD_CSV.encode("utf-8")}
    )
    notice = admin.locator("#kb-notice")
    expect(notice).to_have_attribute("data-kind", "error")
    expect(notice).to_contain_text("line 3")
    expect(notice).to_contain_text("没有导入任何条目")
    search(admin, "退货地址在哪里")
    expect(admin.locator("#entries-empty")).to_be_visible()
    expect(admin.locator("#count-entries")).to_have_text(str(int(total) + 1))

    # Deleting asks first (in the page, not a browser dialog).
    search(admin, QUESTION)
    rows.filter(has_text=QUESTION).click()
    admin.click("#delete-entry")
    expect(admin.locator("#confirm")).to_be_visible()
    admin.click("#confirm-yes")
    expect(admin.locator("#toasts")).to_contain_text("已删除")
    expect(admin.locator("#count-entries")).to_have_text(total)

    # The 没帮助 above is an unanswered question now; the admin turns it into a new entry.
    admin.click(".kb-tab[data-tab=missed]")
    # (The later visitor's question, met with suggestions while the entry was off, is listed too.)
    missed = admin.locator("#missed .missed", has_text="积分能换什么东西呀").filter(
        has=admin.locator(".tag--unhelpful")
    )
    expect(missed.locator(".tag")).to_have_text("没帮助")
    missed.locator(".btn--primary").click()
    expect(admin.locator("#f-question")).to_have_value("积分能换什么东西呀")
    admin.fill("#f-answer", "积分可在“我的—积分商城”兑换礼品。")
    admin.click("#save-entry")
    expect(admin.locator("#toasts")).to_contain_text("已保存")
    expect(missed).to_have_count(0)
    expect(admin.locator("#count-entries")).to_have_text(str(int(total) + 1))


def test_agents_read_the_knowledge_base_only(server, new_context):
    page = new_context().new_page()
    page.goto(f"{server.url}/console/kb")
    expect(page).to_have_url(f"{server.url}/console/login")

    open_kb(page, server.url, AGENT1)
    expect(page.locator("#entries tr.entry").first).to_be_visible()
    expect(page.locator("#new-entry")).to_be_hidden()
    expect(page.locator(".kb-tab[data-tab=missed]")).to_be_hidden()
    expect(page.locator("#entries input.switch").first).to_be_disabled()
    page.locator("#entries tr.entry").first.click()
    expect(page.locator("#f-question")).to_be_disabled()
    expect(page.locator("#save-entry")).to_be_hidden()
    page.click("#cancel-entry")
    page.click(".kb-tab[data-tab=terms]")
    expect(page.locator("#term-form")).to_be_hidden()
