"""Small talk and requests for a person, recognised before any knowledge-base matching."""

from __future__ import annotations

import re
from enum import StrEnum

from kefu.bot.normalize import normalize
from kefu.texts import EN, ZH


class Intent(StrEnum):
    """What a short message is, when it is not a question for the knowledge base."""

    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    HUMAN = "human"
    NONE = "none"


_HUMAN = re.compile(
    r"(转|找|要|接|叫|换|切换|呼叫|联系|请|给我)\s*(个|一个|一位)?\s*(人工|真人|客服|活人|工作人员|人类)"
    r"|^(我要|要|请)?人工(客服|服务|坐席|座席)?(呢|吧|啊|呀|谢谢)*$|真人客服|人工客服|人工服务|不要机器人"
    r"|不想(跟|和)机器人|机器人(听不懂|没用|太笨)|能不能(找|换)个人|^客服(呢|在吗|在哪|在哪里|在不在)?$"
    r"|\b(human|agent|real person|live (agent|person|chat)|customer service|operator|representative)\b"
    r"|\btalk to (a )?person\b"
)
# "人工客服什么时候上班" asks about the service; "我要转人工" asks for it.
_ABOUT_SERVICE = re.compile(r"什么时候|几点|时间|上班|下班|电话|多少|多久|怎么联系|\b(when|hours|phone|number)\b")
_TRANSFER_VERB = re.compile(r"转|找|要|接|换|叫|呼叫|\b(talk|speak|connect|transfer|want|need)\b")
_GREETING = re.compile(
    r"^(你好|您好|hi|hello|hey|嗨|哈喽|在吗|在不在|有人吗|早上好|上午好|下午好|晚上好|早"
    r"|good (morning|afternoon|evening))(呀|啊|哈|呢|哦)?$"
)
_THANKS = re.compile(
    r"^(谢谢|谢了|多谢|感谢|thanks|thank you|thx|好的谢谢|好的感谢|明白了谢谢|ok谢谢|谢谢你|非常感谢)(啦|了|呀|哈)?$"
)
_GOODBYE = re.compile(r"^(再见|拜拜|bye|goodbye|bye bye|886|没有了|没事了|没问题了|好的没事了)(啦|了|呀|哈)?$")

# The catalogue text (kefu.texts) the bot answers each kind of small talk with.
SMALL_TALK = {Intent.GREETING: "bot.greeting", Intent.THANKS: "bot.thanks", Intent.GOODBYE: "bot.goodbye"}


def classify(text: str) -> Intent:
    """The small-talk intent of a message, or ``NONE`` when it should be matched against the knowledge base."""
    norm = normalize(text, strip_punct=True)
    compact = norm.replace(" ", "") if not norm.isascii() else norm
    if (_HUMAN.search(compact) or _HUMAN.search(norm)) and (
        not _ABOUT_SERVICE.search(norm) or _TRANSFER_VERB.search(norm)
    ):
        return Intent.HUMAN
    for intent, pattern in ((Intent.GREETING, _GREETING), (Intent.THANKS, _THANKS), (Intent.GOODBYE, _GOODBYE)):
        if pattern.match(compact) or pattern.match(norm):
            return intent
    return Intent.NONE


def is_english(text: str) -> bool:
    """True when the message is written in English (mostly Latin letters, no Chinese)."""
    return not re.search(r"[\u4e00-\u9fff]", text) and bool(re.search(r"[A-Za-z]{2,}", text))


def message_locale(text: str, conversation_locale: str) -> str:
    """The language to answer ``text`` in: the message's own when it is clearly Chinese or English,
    else the conversation's (``"ok"``, ``"123"`` or a pasted order number say nothing about it)."""
    if re.search(r"[\u4e00-\u9fff]", text):
        return ZH
    if is_english(text):
        return EN
    return conversation_locale
