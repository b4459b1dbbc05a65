"""Small talk and requests for a person, in many phrasings."""

from __future__ import annotations

import pytest

from kefu.bot.intents import Intent, classify

HUMAN = [
    "转人工",
    "人工",
    "人工！",
    "我要人工客服",
    "找个真人",
    "转接人工服务",
    "客服呢?",
    "不要机器人，给我找个人工",
    "機器人聽不懂，轉人工",
    "Can I talk to a human agent?",
    "I want a real person",
    "customer service please",
    "connect me to an operator",
]
NOT_HUMAN = ["人工智能是什么", "人工客服什么时候上班", "what are your customer service hours", "忘记密码怎么办"]


@pytest.mark.parametrize("text", HUMAN)
def test_requests_for_a_person(text: str) -> None:
    assert classify(text) is Intent.HUMAN


@pytest.mark.parametrize("text", NOT_HUMAN)
def test_not_requests_for_a_person(text: str) -> None:
    assert classify(text) is not Intent.HUMAN


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("你好", Intent.GREETING),
        ("您好！", Intent.GREETING),
        ("hello", Intent.GREETING),
        ("谢谢", Intent.THANKS),
        ("好的，谢谢！", Intent.THANKS),
        ("thank you", Intent.THANKS),
        ("再见", Intent.GOODBYE),
        ("bye", Intent.GOODBYE),
        ("你好，我忘记密码了", Intent.NONE),
    ],
)
def test_small_talk(text: str, intent: Intent) -> None:
    assert classify(text) is intent
