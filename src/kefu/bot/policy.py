"""The dialogue policy: given a customer's message, decide the bot's turn.

Order of precedence: a click on a suggestion answers that entry directly; a request for a person, a
VIP customer or anger hands over; small talk gets a short reply; otherwise the knowledge base is
searched and the calibrated confidence decides between answering, asking "您是想问：" with the top
three questions, and admitting the bot does not know (offering a person). Each hand-over trigger is a
setting. The policy is pure: it reads an index and returns a ``Turn``; ``bot.actions`` writes it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kefu.bot.entries import EntryView
from kefu.bot.index import CANDIDATES, BotIndex, Match
from kefu.bot.intents import REPLIES, REPLIES_EN, Intent, classify, is_english


@dataclass(frozen=True, slots=True)
class BotSettings:
    """Thresholds and hand-over triggers (from ``Settings``; see docs/bot.md)."""

    answer_threshold: float = 0.6
    clarify_threshold: float = 0.25
    handover_on_request: bool = True
    handover_on_negative: bool = True
    handover_on_vip: bool = True
    handover_on_sensitive: bool = True
    max_failures: int = 2


@dataclass(frozen=True, slots=True)
class Reply:
    """One bot message: text, plus structured parts (buttons) the widget renders."""

    text: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Missed:
    """A question the bot could not answer well, for the reports."""

    text: str
    reason: str
    best_entry_id: int | None = None
    best_confidence: float | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    """What the bot does in answer to one message."""

    replies: list[Reply]
    handover: str | None = None
    handover_group_id: int | None = None
    outcome: str = "neutral"  # "answered" resets the failure count, "failed" adds one
    missed: Missed | None = None
    # The ranking this turn was decided on (empty when no search decided it): for the evaluation,
    # which must read what the live bot saw; never shown to the customer.
    ranked: tuple[Match, ...] = field(default=(), repr=False, compare=False)
    resolved: bool = False  # the customer said goodbye: the bot ends the conversation


@dataclass(frozen=True, slots=True)
class State:
    """What the policy knows of the conversation."""

    failures: int = 0
    is_vip: bool = False
    recent_questions: tuple[str, ...] = ()


HANDOVER_TEXT = {
    "customer_request": "好的，正在为您转接人工客服，请稍候。",
    "negative_sentiment": "非常抱歉给您带来不好的体验，我马上为您转接人工客服处理。",
    "vip": "尊敬的 VIP 客户，正在为您转接专属人工客服，请稍候。",
    "sensitive_topic": "这个问题涉及您的资金或账号安全，我为您转接人工客服进一步处理。",
    "bot_failed": "抱歉我没能解决您的问题，正在为您转接人工客服。",
}
HANDOVER_TEXT_EN = {
    "customer_request": "Sure, connecting you to a human agent now.",
    "negative_sentiment": "I'm sorry about this. Let me connect you to a human agent right away.",
    "vip": "Connecting you to your dedicated agent now.",
    "sensitive_topic": "This concerns your money or account security, so I'm connecting you to a human agent.",
    "bot_failed": "Sorry I couldn't solve this. Connecting you to a human agent.",
}
HUMAN_BUTTON = {"label": "转人工", "send": "转人工"}


def _suggestion(match: Match) -> dict[str, Any]:
    return {"entry_id": match.entry.id, "question": match.entry.question}


def answer_reply(entry: EntryView, alternatives: Sequence[Match], query: str) -> Reply:
    """The reply that gives an entry's answer, with its quick replies and the feedback buttons."""
    meta = {
        "kind": "answer",
        "entry_id": entry.id,
        "question": entry.question,
        "quick_replies": list(entry.quick_replies),
        "feedback": True,
        "alternatives": [_suggestion(m) for m in alternatives if m.entry.id != entry.id][:3],
        "query": query,
    }
    return Reply(entry.answer, meta)


class Policy:
    """Decides turns from an index, settings and a negative-sentiment detector."""

    def __init__(self, index: BotIndex, settings: BotSettings, is_negative: Callable[[str], bool]) -> None:
        self.index = index
        self.settings = settings
        self.is_negative = is_negative

    def _group_for(self, text: str, state: State) -> int | None:
        """The skill group of the best entry for what the customer has been asking about."""
        best: Match | None = None
        for question in (text, *state.recent_questions):
            top = next(iter(self.index.search(question, 1)), None)
            good = top is not None and top.confidence >= self.settings.clarify_threshold
            if good and (best is None or top.confidence > best.confidence):  # type: ignore[union-attr]
                best = top
        return best.entry.skill_group_id if best is not None else None

    def _handover(self, reason: str, text: str, state: State, english: bool, *, group: int | None = None) -> Turn:
        words = HANDOVER_TEXT_EN if english else HANDOVER_TEXT
        target = group if group is not None else self._group_for(text, state)
        return Turn([Reply(words[reason], {"kind": "handover", "reason": reason})], reason, target)

    def respond(self, text: str, state: State, *, pick: int | None = None) -> Turn:
        """The bot's turn for a customer message (``pick``: an entry the customer clicked)."""
        english = is_english(text)
        settings = self.settings
        if pick is not None:
            entry = self.index.entry(pick)
            if entry is not None:
                return self._answer(entry, self.index.search(entry.question, 4), text, state, english)
        intent = classify(text)
        if intent is Intent.HUMAN and settings.handover_on_request:
            return self._handover("customer_request", text, state, english)
        if state.is_vip and settings.handover_on_vip:
            return self._handover("vip", text, state, english)
        if settings.handover_on_negative and self.is_negative(text):
            return self._handover("negative_sentiment", text, state, english)
        if intent in (Intent.GREETING, Intent.THANKS, Intent.GOODBYE):
            words = REPLIES_EN if english else REPLIES
            return Turn([Reply(words[intent], {"kind": "smalltalk"})], resolved=intent is Intent.GOODBYE)
        if intent is Intent.HUMAN:  # Hand-over on request switched off: say how to reach people instead.
            return self._decline(text, [], state, english)
        ranked = self.index.search(text, CANDIDATES)
        matches = ranked[:5]
        top = matches[0] if matches else None
        if top is not None and top.confidence >= settings.answer_threshold:
            turn = self._answer(top.entry, matches, text, state, english)
        elif top is not None and top.confidence >= settings.clarify_threshold:
            turn = self._clarify(matches[:3], english)
        else:
            turn = self._decline(text, matches, state, english)
        return replace(turn, ranked=tuple(ranked))

    def _answer(self, entry: EntryView, matches: Sequence[Match], text: str, state: State, english: bool) -> Turn:
        reply = answer_reply(entry, matches, text)
        if entry.handover and self.settings.handover_on_sensitive:
            words = HANDOVER_TEXT_EN if english else HANDOVER_TEXT
            note = Reply(words["sensitive_topic"], {"kind": "handover", "reason": "sensitive_topic"})
            return Turn([reply, note], "sensitive_topic", entry.skill_group_id, outcome="answered")
        return Turn([reply], outcome="answered")

    def _clarify(self, matches: Sequence[Match], english: bool) -> Turn:
        text = "Did you mean:" if english else "您是想问："
        meta = {"kind": "clarify", "suggestions": [_suggestion(m) for m in matches], "buttons": [HUMAN_BUTTON]}
        return Turn([Reply(text, meta)])

    def _decline(self, text: str, matches: Sequence[Match], state: State, english: bool) -> Turn:
        top = matches[0] if matches else None
        missed = Missed(text, "no_match", top.entry.id if top else None, top.confidence if top else None)
        failures = state.failures + 1
        if self.settings.max_failures and failures >= self.settings.max_failures:
            turn = self._handover("bot_failed", text, state, english)
            return Turn(turn.replies, turn.handover, turn.handover_group_id, outcome="failed", missed=missed)
        words = (
            "Sorry, I don't know the answer to that yet. You can rephrase it, or talk to a person."
            if english
            else "抱歉，这个问题我暂时还不会。您可以换个说法再问我，或者转人工客服。"
        )
        return Turn([Reply(words, {"kind": "decline", "buttons": [HUMAN_BUTTON]})], outcome="failed", missed=missed)

    def unhelpful(self, answer_meta: dict[str, Any], state: State, english: bool = False) -> Turn:
        """The customer said an answer did not help: offer the next best answers, or a person."""
        query = str(answer_meta.get("query") or answer_meta.get("question") or "")
        missed = Missed(query, "unhelpful", answer_meta.get("entry_id"), None)
        failures = state.failures + 1
        if self.settings.max_failures and failures >= self.settings.max_failures:
            turn = self._handover("bot_failed", query, state, english)
            return Turn(turn.replies, turn.handover, turn.handover_group_id, outcome="failed", missed=missed)
        alternatives = [a for a in answer_meta.get("alternatives", []) if self.index.entry(int(a["entry_id"]))]
        text = "Sorry that didn't help. Did you mean:" if english else "抱歉没能帮到您。您是不是想问："
        if not alternatives:
            text = (
                "Sorry that didn't help. Shall I find you a person?"
                if english
                else "抱歉没能帮到您，需要为您转人工客服吗？"
            )
        meta = {"kind": "clarify", "suggestions": alternatives, "buttons": [HUMAN_BUTTON]}
        return Turn([Reply(text, meta)], outcome="failed", missed=missed)
