"""The dialogue policy: answer, clarify, decline, and every hand-over trigger (with a scripted ranker)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from kefu.bot.entries import EntryView
from kefu.bot.index import BotIndex
from kefu.bot.policy import BotSettings, Policy, State, Turn
from kefu.texts import TextBook

NOW = datetime(2026, 3, 2, tzinfo=UTC)


def _entry(entry_id: int, question: str, *, group: int | None = None, handover: bool = False) -> EntryView:
    return EntryView(
        id=entry_id,
        question=question,
        similar=[],
        answer=f"{question}的答案",
        category="",
        skill_group_id=group,
        group=None,
        keywords=[],
        quick_replies=["相关问题"],
        handover=handover,
        enabled=True,
        valid_from=None,
        valid_until=None,
        updated_at=NOW,
    )


@dataclass
class Hit:
    doc_id: str
    score: float
    confidence: float
    matched_question: str


class ScriptedRetriever:
    """Returns prepared hits for known queries."""

    def __init__(self, script: dict[str, list[tuple[int, float]]]) -> None:
        self.script = script

    def search(self, query: str, k: int = 10) -> list[Hit]:
        return [Hit(str(i), c, c, "") for i, c in self.script.get(query, [])][:k]


ENTRIES = [
    _entry(1, "忘记密码怎么办", group=10),
    _entry(2, "怎么申请退款", group=20, handover=True),
    _entry(3, "什么时候发货", group=20),
    _entry(4, "怎么查快递", group=20),
]
SCRIPT = {
    "密码想不起来了": [(1, 0.9), (3, 0.2)],
    "退钱": [(2, 0.8), (3, 0.3)],
    "东西呢": [(3, 0.4), (4, 0.35), (1, 0.1)],
    "量子力学": [(4, 0.05)],
    "转人工": [],
    "我的密码": [(1, 0.6)],
}


def _policy(**overrides: object) -> Policy:
    settings = BotSettings(**overrides)  # type: ignore[arg-type]
    index = BotIndex(ENTRIES, ScriptedRetriever(SCRIPT))  # type: ignore[arg-type]
    return Policy(index, settings, lambda text: "垃圾" in text or "terrible" in text)


def test_confident_match_is_answered_with_feedback_and_quick_replies() -> None:
    turn = _policy().respond("密码想不起来了", State())
    assert turn.handover is None
    assert turn.outcome == "answered"
    (reply,) = turn.replies
    assert reply.text == "忘记密码怎么办的答案"
    assert reply.meta["kind"] == "answer"
    assert reply.meta["entry_id"] == 1
    assert reply.meta["feedback"] is True
    assert reply.meta["quick_replies"] == ["相关问题"]
    assert [a["entry_id"] for a in reply.meta["alternatives"]] == [3]


def test_middle_confidence_asks_which_question_with_top_three() -> None:
    turn = _policy().respond("东西呢", State())
    (reply,) = turn.replies
    assert reply.text == "您是想问："
    assert [s["question"] for s in reply.meta["suggestions"]] == ["什么时候发货", "怎么查快递", "忘记密码怎么办"]
    assert turn.outcome == "neutral"


def test_unknown_question_is_declined_recorded_and_offers_a_person() -> None:
    turn = _policy().respond("量子力学", State())
    (reply,) = turn.replies
    assert reply.meta["kind"] == "decline"
    assert reply.meta["buttons"][0]["send"] == "转人工"
    assert turn.outcome == "failed"
    assert turn.missed is not None
    assert (turn.missed.text, turn.missed.reason) == ("量子力学", "no_match")
    assert turn.handover is None


def test_second_failure_in_a_row_hands_over() -> None:
    turn = _policy().respond("量子力学", State(failures=1))
    assert turn.handover == "bot_failed"
    assert _policy(max_failures=0).respond("量子力学", State(failures=5)).handover is None


def test_click_on_a_suggestion_answers_directly() -> None:
    turn = _policy().respond("什么时候发货", State(), pick=3)
    assert turn.replies[0].meta["entry_id"] == 3
    assert turn.outcome == "answered"


def test_request_for_a_person_hands_over_to_the_group_of_the_topic() -> None:
    turn = _policy().respond("转人工", State(recent_questions=("我的密码",)))
    assert turn.handover == "customer_request"
    assert turn.handover_group_id == 10
    assert "人工客服" in turn.replies[0].text
    assert _policy(handover_on_request=False).respond("转人工", State()).handover is None


def test_money_matter_entry_answers_then_hands_over() -> None:
    turn = _policy().respond("退钱", State())
    assert [r.meta["kind"] for r in turn.replies] == ["answer", "handover"]
    assert (turn.handover, turn.handover_group_id) == ("sensitive_topic", 20)
    assert _policy(handover_on_sensitive=False).respond("退钱", State()).handover is None


def test_angry_customer_is_handed_over() -> None:
    turn = _policy().respond("你们这个垃圾产品", State())
    assert turn.handover == "negative_sentiment"
    assert _policy(handover_on_negative=False).respond("你们这个垃圾产品", State()).handover is None


def test_vip_is_handed_over() -> None:
    turn = _policy().respond("密码想不起来了", State(is_vip=True))
    assert turn.handover == "vip"
    assert _policy(handover_on_vip=False).respond("密码想不起来了", State(is_vip=True)).handover is None


@pytest.mark.parametrize(("text", "kind"), [("你好", "smalltalk"), ("谢谢", "smalltalk"), ("再见", "smalltalk")])
def test_small_talk_gets_short_replies(text: str, kind: str) -> None:
    turn = _policy().respond(text, State())
    assert turn.replies[0].meta["kind"] == kind
    assert turn.handover is None


def test_english_messages_get_english_replies() -> None:
    assert _policy().respond("hello", State()).replies[0].text.startswith("Hello")
    assert _policy().respond("I want a human agent", State()).replies[0].text.startswith("Sure")


def test_unhelpful_answer_offers_next_best_then_a_person() -> None:
    policy = _policy()
    answer = policy.respond("密码想不起来了", State()).replies[0]
    turn = policy.unhelpful(answer.meta, State())
    assert turn.replies[0].meta["kind"] == "clarify"
    assert [s["entry_id"] for s in turn.replies[0].meta["suggestions"]] == [3]
    assert turn.missed is not None
    assert turn.missed.reason == "unhelpful"
    assert policy.unhelpful(answer.meta, State(failures=1)).handover == "bot_failed"


def test_a_turn_carries_the_ranking_it_was_decided_on_for_the_evaluation() -> None:
    clarify = _policy().respond("东西呢", State())
    assert [(m.entry.id, m.confidence) for m in clarify.ranked] == [(3, 0.4), (4, 0.35), (1, 0.1)]
    assert [s["entry_id"] for s in clarify.replies[0].meta["suggestions"]] == [3, 4, 1]
    assert [m.entry.id for m in _policy().respond("量子力学", State()).ranked] == [4]
    assert _policy().respond("转人工", State()).ranked == ()  # decided before any search
    # The ranking is the evaluation's to read: it is not part of what the customer sees.
    assert clarify == Turn(clarify.replies, missed=clarify.missed)
    assert "ranked" not in repr(clarify)


def test_an_english_conversation_gets_english_words_unless_the_customer_writes_chinese() -> None:
    english = State(locale="en")
    decline = _policy().respond("量子力学", english).replies[0]
    assert decline.text.startswith("抱歉")  # a Chinese message is answered in Chinese
    assert decline.meta["text_code"] == "bot.decline"
    undecided = _policy().respond("12345", english).replies[0]
    assert undecided.text.startswith("Sorry, I don't know")
    assert undecided.meta["buttons"] == [{"label": "Talk to a person", "send": "Talk to a person"}]
    assert _policy().respond("12345", State()).replies[0].text.startswith("抱歉")
    assert _policy().respond("hello", State()).replies[0].meta["text_code"] == "bot.greeting"


def test_the_bot_speaks_the_organisations_words_and_the_channels() -> None:
    policy = _policy()
    policy.texts = TextBook({("bot.greeting", "zh-CN"): "欢迎来到示例科技！", ("bot.button.human", "zh-CN"): "找真人"})
    assert policy.respond("你好", State()).replies[0].text == "欢迎来到示例科技！"
    button = policy.respond("量子力学", State()).replies[0].meta["buttons"][0]
    assert button == {"label": "找真人", "send": "找真人"}  # still asks for a person
    policy.texts = TextBook({("bot.button.human", "zh-CN"): "其他帮助"})
    button = policy.respond("量子力学", State()).replies[0].meta["buttons"][0]
    assert button == {"label": "其他帮助", "send": "转人工"}  # would not ask for a person: sends the default
    wechat = policy.respond("量子力学", State(channel="wechat")).replies[0]
    assert "回复“人工”" in wechat.text
