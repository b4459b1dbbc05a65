"""The bot in the widget and its hand-over to the console, in real Chromium (bot switched on).

These tests are about the UI, not the ranking, and the bot's confidence calibration is still being
tuned: so the thresholds are pinned. Answer flows answer the top match from a low confidence on
(the paraphrases used rank their entry first by a wide margin); the clarify test answers only a
perfect match and clarifies anything else the bot found, wherever a vague question like 账号 lands.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from kefu.config import Settings
from tests.browser.conftest import _in_thread
from tests.browser.test_chat_flow import customer_says, login, open_widget
from tests.support import AGENT1, LiveServer, seed

pytestmark = pytest.mark.browser

DEMO_KB = Path(__file__).resolve().parents[2] / "src" / "kefu" / "demo_data" / "kb.jsonl"
ANSWER_TOP_MATCH = {"bot_answer_threshold": 0.25, "bot_clarify_threshold": 0.1}
ALWAYS_CLARIFY = {"bot_answer_threshold": 1.0, "bot_clarify_threshold": 0.0}
PARAPHRASE = "密码想不起来了怎么办"  # in other words for the demo entry 忘记密码怎么办


def demo_entries() -> dict[str, dict[str, object]]:
    """The demo knowledge base by standard question."""
    rows = [json.loads(line) for line in DEMO_KB.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {str(row["questions"][0]): row for row in rows}


@pytest.fixture
def bot_server(request: pytest.FixtureRequest, settings: Settings, browser: object) -> Iterator[LiveServer]:
    """A live server with the demo data and the bot on (seeded outside the Playwright thread).
    Parametrize indirectly with a dict to change more settings."""
    bot_settings = settings.model_copy(update={"bot_enabled": True, **getattr(request, "param", ANSWER_TOP_MATCH)})
    _in_thread(seed, bot_settings)
    live = LiveServer(bot_settings)
    live.start()
    yield live
    live.stop()


def bot_messages(widget: FrameLocator | Page, kind: str | None = None):
    selector = f".msg--bot[data-bot-kind={kind}]" if kind else ".msg--bot"
    return widget.locator(selector)


def test_bot_answers_a_paraphrase_and_takes_feedback(bot_server, new_context):
    customer = new_context().new_page()
    widget = open_widget(customer, bot_server.url)
    customer_says(widget, PARAPHRASE)

    answer = bot_messages(widget, "answer").first
    expected = demo_entries()["忘记密码怎么办"]
    expect(answer.locator(".msg__text")).to_have_text(str(expected["answer"]))
    expect(answer.locator(".msg__name")).to_have_text("智能客服")
    expect(widget.locator("#head-title")).to_have_text("智能客服")
    # Quick replies are chips; 有帮助 / 没帮助 below the answer.
    expect(answer.locator(".bot-chip")).to_have_text([str(q) for q in expected["quick_replies"]])
    expect(answer.locator(".bot-feedback__btn")).to_have_count(2)

    # 没帮助: thanks, the buttons lock, and the bot offers the next best questions.
    answer.locator(".bot-feedback__btn[data-helpful=false]").click()
    expect(answer.locator(".bot-feedback__thanks")).to_have_text("感谢反馈")
    expect(answer.locator(".bot-feedback__btn").first).to_be_disabled()
    expect(answer.locator(".bot-feedback__btn").last).to_be_disabled()
    offer = bot_messages(widget, "clarify").last
    expect(offer.locator(".msg__text")).to_contain_text("没能帮到您")
    expect(offer.locator(".bot-suggest__item").first).to_be_visible()
    assert "忘记密码怎么办" not in offer.locator(".bot-suggest__item").all_text_contents()

    # A quick-reply chip sends its text as the customer's message, and the bot replies to it.
    replies = bot_messages(widget).count()
    answer.locator(".bot-chip").last.click()
    expect(widget.locator(".msg--mine .msg__text").last).to_have_text(str(expected["quick_replies"][-1]))
    expect(bot_messages(widget)).to_have_count(replies + 1)

    # After a reload the old answer can still be rated once (already rated → thanks, locked).
    customer.reload()
    customer.click(".kefu-launcher")
    widget = customer.frame_locator("iframe.kefu-panel__frame")
    first = bot_messages(widget, "answer").first
    first.locator(".bot-feedback__btn[data-helpful=true]").click()
    expect(first.locator(".bot-feedback__thanks")).to_be_visible()


@pytest.mark.parametrize("bot_server", [ALWAYS_CLARIFY], indirect=True)
def test_bot_clarifies_a_vague_question(bot_server, new_context):
    customer = new_context().new_page()
    widget = open_widget(customer, bot_server.url)
    customer_says(widget, "账号")

    clarify = bot_messages(widget, "clarify").first
    expect(clarify.locator(".msg__text")).to_have_text("您是想问：")
    items = clarify.locator(".bot-suggest__item")
    expect(items.first).to_be_visible()
    expect(clarify.locator(".bot-chip--action")).to_have_text(["转人工"])

    # Pick a suggestion that does not hand over, and get exactly that entry's answer.
    kb = demo_entries()
    texts = items.all_text_contents()
    choice = next(text for text in texts if text in kb and not kb[text].get("handover"))
    picked = clarify.locator(".bot-suggest__item", has_text=choice)
    entry_id = picked.get_attribute("data-entry-id") or ""
    picked.click()
    expect(widget.locator(".msg--mine .msg__text").last).to_have_text(choice)
    answer = bot_messages(widget, "answer").last
    expect(answer.locator(".msg__text")).to_have_text(str(kb[choice]["answer"]))
    expect(answer).to_have_attribute("data-entry", entry_id)


def test_handover_to_an_agent(bot_server, new_context):
    customer = new_context().new_page()
    agent = new_context().new_page()
    widget = open_widget(customer, bot_server.url)
    customer_says(widget, PARAPHRASE)
    expect(bot_messages(widget, "answer")).to_have_count(1)

    customer_says(widget, "转人工")
    handover = bot_messages(widget, "handover").last
    expect(handover.locator(".msg__text")).to_contain_text("转接人工客服")
    expect(widget.locator("#queue")).to_be_visible()
    expect(widget.locator("#head-title")).to_have_text("正在转接人工客服")

    login(agent, bot_server.url, AGENT1)
    agent.click(".tab[data-view=waiting]")
    row = agent.locator("#conv-list .conv").first
    expect(row.locator(".conv__reason")).to_have_text("客户要求转人工")
    row.click()
    expect(agent.locator("#chat-handover")).to_contain_text("客户要求转人工")
    expect(agent.locator("#info-handover")).to_have_text("客户要求转人工")
    # The bot's earlier messages are there, marked as the bot's.
    expect(agent.locator(".msg--bot[data-bot-kind=answer] .msg__name")).to_have_text("智能客服")
    expect(agent.locator(".msg--customer .msg__text")).to_have_text([PARAPHRASE, "转人工"])
    # Buttons the bot offered are shown to the agent but cannot be clicked there.
    expect(agent.locator(".msg--bot .bot-chip").first).to_be_disabled()
    expect(agent.locator(".msg--bot .bot-feedback__btn")).to_have_count(0)

    agent.click("#take-btn")
    expect(agent.locator("#chat-status")).to_have_text("接待中")
    expect(widget.locator("#head-title")).to_have_text("小王")
    expect(widget.locator("#queue")).to_be_hidden()
