"""The dialogue policy: given a customer's message, decide the bot's turn.

Order of precedence: a click on a suggestion answers that entry directly; a request for a person, a
VIP customer or anger hands over; small talk gets a short reply; otherwise the knowledge base is
searched and the calibrated confidence decides between answering, asking "您是想问：" with the top
three questions, and admitting the bot does not know (offering a person). Each hand-over trigger is a
setting. The policy is pure: it reads an index and returns a ``Turn``; ``bot.actions`` writes it.

What the bot says in its own words comes from the text catalogue (``kefu.texts``, with the
organisation's overrides), in the language of the customer's message, else the conversation's.
Each such reply carries its ``text_code`` in its meta so a channel can re-render it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kefu.bot.entries import EntryView
from kefu.bot.index import CANDIDATES, BotIndex, Match
from kefu.bot.intents import SMALL_TALK, Intent, classify, message_locale
from kefu.texts import ZH, TextBook, render


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
    locale: str = ZH
    channel: str = "web"


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

    def __init__(
        self,
        index: BotIndex,
        settings: BotSettings,
        is_negative: Callable[[str], bool],
        texts: TextBook | None = None,
    ) -> None:
        self.index = index
        self.settings = settings
        self.is_negative = is_negative
        self.texts = texts or TextBook()

    def _say(self, code: str, locale: str, state: State, meta: dict[str, Any]) -> Reply:
        """A reply in the bot's own words: the catalogue text ``code`` (no placeholders) in ``locale``."""
        text = self.texts.render(code, locale, state.channel)
        return Reply(text, {**meta, "text_code": code, "text_params": {}})

    def _human_button(self, locale: str, state: State) -> dict[str, str]:
        label = self.texts.render("bot.button.human", locale, state.channel)
        # The button sends its label as the customer's message: if an admin's wording no longer asks for
        # a person, it sends the catalogue's wording instead.
        send = label if classify(label) is Intent.HUMAN else render("bot.button.human", locale, state.channel)
        return {"label": label, "send": send}

    def _group_for(self, text: str, state: State) -> int | None:
        """The skill group of the best entry for what the customer has been asking about."""
        best: Match | None = None
        for question in (text, *state.recent_questions):
            top = next(iter(self.index.search(question, 1)), None)
            good = top is not None and top.confidence >= self.settings.clarify_threshold
            if good and (best is None or top.confidence > best.confidence):  # type: ignore[union-attr]
                best = top
        return best.entry.skill_group_id if best is not None else None

    def _handover(self, reason: str, text: str, state: State, locale: str, *, group: int | None = None) -> Turn:
        target = group if group is not None else self._group_for(text, state)
        reply = self._say(f"handover.{reason}", locale, state, {"kind": "handover", "reason": reason})
        return Turn([reply], reason, target)

    def respond(self, text: str, state: State, *, pick: int | None = None) -> Turn:
        """The bot's turn for a customer message (``pick``: an entry the customer clicked)."""
        locale = message_locale(text, state.locale)
        settings = self.settings
        if pick is not None:
            entry = self.index.entry(pick)
            if entry is not None:
                return self._answer(entry, self.index.search(entry.question, 4), text, state, locale)
        intent = classify(text)
        if intent is Intent.HUMAN and settings.handover_on_request:
            return self._handover("customer_request", text, state, locale)
        if state.is_vip and settings.handover_on_vip:
            return self._handover("vip", text, state, locale)
        if settings.handover_on_negative and self.is_negative(text):
            return self._handover("negative_sentiment", text, state, locale)
        if intent in SMALL_TALK:
            reply = self._say(SMALL_TALK[intent], locale, state, {"kind": "smalltalk"})
            return Turn([reply], resolved=intent is Intent.GOODBYE)
        if intent is Intent.HUMAN:  # Hand-over on request switched off: say how to reach people instead.
            return self._decline(text, [], state, locale)
        ranked = self.index.search(text, CANDIDATES)
        matches = ranked[:5]
        top = matches[0] if matches else None
        if top is not None and top.confidence >= settings.answer_threshold:
            turn = self._answer(top.entry, matches, text, state, locale)
        elif top is not None and top.confidence >= settings.clarify_threshold:
            turn = self._clarify(matches[:3], state, locale)
        else:
            turn = self._decline(text, matches, state, locale)
        return replace(turn, ranked=tuple(ranked))

    def _answer(self, entry: EntryView, matches: Sequence[Match], text: str, state: State, locale: str) -> Turn:
        reply = answer_reply(entry, matches, text)
        if entry.handover and self.settings.handover_on_sensitive:
            meta = {"kind": "handover", "reason": "sensitive_topic"}
            note = self._say("handover.sensitive_topic", locale, state, meta)
            return Turn([reply, note], "sensitive_topic", entry.skill_group_id, outcome="answered")
        return Turn([reply], outcome="answered")

    def _clarify(self, matches: Sequence[Match], state: State, locale: str) -> Turn:
        suggestions = [_suggestion(m) for m in matches]
        meta = {"kind": "clarify", "suggestions": suggestions, "buttons": [self._human_button(locale, state)]}
        return Turn([self._say("bot.clarify", locale, state, meta)])

    def _decline(self, text: str, matches: Sequence[Match], state: State, locale: str) -> Turn:
        top = matches[0] if matches else None
        missed = Missed(text, "no_match", top.entry.id if top else None, top.confidence if top else None)
        failures = state.failures + 1
        if self.settings.max_failures and failures >= self.settings.max_failures:
            turn = self._handover("bot_failed", text, state, locale)
            return Turn(turn.replies, turn.handover, turn.handover_group_id, outcome="failed", missed=missed)
        reply = self._say(
            "bot.decline", locale, state, {"kind": "decline", "buttons": [self._human_button(locale, state)]}
        )
        return Turn([reply], outcome="failed", missed=missed)

    def unhelpful(self, answer_meta: dict[str, Any], state: State) -> Turn:
        """The customer said an answer did not help: offer the next best answers, or a person."""
        query = str(answer_meta.get("query") or answer_meta.get("question") or "")
        locale = message_locale(query, state.locale)
        missed = Missed(query, "unhelpful", answer_meta.get("entry_id"), None)
        failures = state.failures + 1
        if self.settings.max_failures and failures >= self.settings.max_failures:
            turn = self._handover("bot_failed", query, state, locale)
            return Turn(turn.replies, turn.handover, turn.handover_group_id, outcome="failed", missed=missed)
        alternatives = [a for a in answer_meta.get("alternatives", []) if self.index.entry(int(a["entry_id"]))]
        code = "bot.unhelpful.alternatives" if alternatives else "bot.unhelpful.offer_person"
        meta = {"kind": "clarify", "suggestions": alternatives, "buttons": [self._human_button(locale, state)]}
        return Turn([self._say(code, locale, state, meta)], outcome="failed", missed=missed)
