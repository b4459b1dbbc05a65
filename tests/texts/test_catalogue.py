"""The catalogue: every code renders in every locale and channel, with exactly its placeholders."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from kefu.texts import CATALOGUE, LOCALES, TextBook, TextParamsError, UnknownTextCode, normalise_locale, render
from kefu.texts.catalogue import PLAIN_CHANNELS
from kefu.texts.render import TemplateSyntaxError, opening_time, params_of, placeholders

SAMPLES: dict[str, str | int] = {
    "flow": "忘记密码",
    "agent": "小王",
    "ahead": 2,
    "minutes": 3,
    "opens": "12月3日 09:00",
    "queue": "前面还有 2 位",
    "contact": "13800000000",
    "question": "我的订单",
    "answer": "已发货",
    "group": "支付售后",
    "id": 7,
    "conversation": 42,
    "name": "王女士",
    "number": "T20261202-0001",
    "title": "洗衣机不脱水",
    "reply": "师傅明天上门",
    "link": "https://kefu.example.com/widget?ticket=T20261202-0001",
    "unsubscribe": "https://kefu.example.com/notify/unsubscribe?token=abc",
    "email": "wang@example.com",
    "clock": "首次响应",
    "due": "2026-12-02T10:00+00:00",
}
CHANNELS = ("web", "app", *PLAIN_CHANNELS)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _params(code: str) -> dict[str, str | int]:
    return {name: SAMPLES[name] for name in params_of(code)}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_has_every_locale_with_the_same_placeholders(code: str) -> None:
    text = CATALOGUE[code]
    assert set(text.wording) == set(LOCALES)
    for channel, variant in text.variants.items():
        assert set(variant) == set(LOCALES), f"{code} on {channel}"
    for wording in [*text.wording.values(), *(w for v in text.variants.values() for w in v.values())]:
        assert wording.strip()
        assert placeholders(wording) == params_of(code), wording


@pytest.mark.parametrize("code", sorted(CATALOGUE))
@pytest.mark.parametrize("locale", LOCALES)
def test_every_code_renders_in_every_locale_and_channel(code: str, locale: str) -> None:
    for channel in CHANNELS:
        text = render(code, locale, channel, **_params(code))
        assert "{" not in text
        assert "}" not in text
        for value in _params(code).values():
            assert str(value) in text
        if locale == "en":
            # English wording is English (only Chinese parameters may bring Chinese characters in).
            stripped = text
            for value in _params(code).values():
                stripped = stripped.replace(str(value), "")
            assert not CHINESE.search(stripped), text


def test_zh_wording_is_what_kefu_always_said() -> None:
    assert render("agent.joined", "zh-CN", agent="小王") == "客服 小王 已接入，请问有什么可以帮您？"
    assert render("queue.position", "zh-CN", ahead=3, minutes=2) == "前面还有 3 位，预计等待 2 分钟"
    assert render("conversation.closed.by_agent", "zh-CN") == "客服已结束本次会话，感谢您的咨询。"
    assert render("customer.visitor_name", "zh-CN", id=5) == "访客5"


def test_english_wording() -> None:
    assert render("agent.joined", "en", agent="Wang") == "Wang has joined the chat. How can I help you?"
    assert render("queue.next", "en-US", minutes=1) == "You're next. Estimated wait: about 1 min."


def test_a_plain_text_channel_gets_its_variant_and_others_the_default() -> None:
    assert "回复“人工”" in render("bot.decline", "zh-CN", "wechat")
    assert render("bot.decline", "zh-CN", "app") == render("bot.decline", "zh-CN")
    assert render("agent.joined", "en", "sms", agent="A") == render("agent.joined", "en", agent="A")


def test_unknown_code_and_wrong_params_are_clear_errors() -> None:
    with pytest.raises(UnknownTextCode, match="unknown text code 'nope'"):
        render("nope", "en")
    with pytest.raises(TextParamsError, match="missing: agent"):
        render("agent.joined", "en")
    with pytest.raises(TextParamsError, match="unexpected: name"):
        render("agent.joined", "en", agent="A", name="B")


def test_unsupported_locales_fall_back_to_chinese() -> None:
    assert normalise_locale("fr") == "zh-CN"
    assert normalise_locale("en_GB") == "en"
    assert normalise_locale("zh-TW") == "zh-CN"
    assert normalise_locale(None, "en") == "en"
    assert render("queue.status.closed", "fr") == "会话已结束"


def test_templates_name_placeholders_only() -> None:
    assert placeholders("前面 {ahead} 位 {{literal}}") == {"ahead"}
    for bad in ("{0}", "{agent.__class__}", "{agent!r}", "{agent:>9}", "{", "}"):
        with pytest.raises(TemplateSyntaxError):
            placeholders(bad)


def test_opening_time_per_locale() -> None:
    when = datetime(2026, 12, 3, 9, 5)
    assert opening_time("zh-CN", when) == "12月3日 09:05"
    assert opening_time("en", when) == "at 09:05 on 3 Dec"


def test_the_text_book_prefers_the_override_in_every_channel() -> None:
    book = TextBook({("bot.decline", "zh-CN"): "换个问法试试吧。"})
    assert book.render("bot.decline", "zh-CN", "wechat") == "换个问法试试吧。"
    assert book.render("bot.decline", "en") == render("bot.decline", "en")
    book.replace({})
    assert book.render("bot.decline", "zh-CN") == render("bot.decline", "zh-CN")
