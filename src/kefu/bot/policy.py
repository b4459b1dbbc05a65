"""The dialogue policy: given a customer's message, decide the bot's turn.

Order of precedence: a click on a suggestion answers that entry directly; a request for a person, a
VIP customer or anger hands over; a guided journey whose trigger fits starts; small talk gets a short
reply; otherwise the knowledge base is searched and the calibrated confidence decides between
answering, asking "您是想问：" with the top three questions, and admitting the bot does not know
(offering a person). Money trouble in the customer's words ("充值失败了，钱扣了") is answered only from
a confident entry about money, else handed to the money skill group; urgency raises the queue
priority of any hand-over. Each hand-over trigger is a setting. The policy is pure: it reads an index
and returns a ``Turn``; ``bot.actions`` writes it.

Misses count towards ``max_failures`` and are recorded for the 未解决问题 list: a decline, 没帮助, and
suggestions the customer ignores (their next message neither picks one nor gets answered). Counting
only declines let a customer get suggestions turn after turn without ever being offered a person.

What the bot says in its own words comes from the text catalogue (``kefu.texts``, with the
organisation's overrides), in the language of the customer's message, else the conversation's.
Each such reply carries its ``text_code`` in its meta so a channel can re-render it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

from kefu.bot.concerns import URGENT_PRIORITY, Concerns, concerns_of, entry_is_about_money
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


ClarifySettled = Literal["picked", "answered", "ignored"]


@dataclass(frozen=True, slots=True)
class Turn:
    """What the bot does in answer to one message."""

    replies: list[Reply]
    handover: str | None = None
    handover_group_id: int | None = None
    outcome: str = "neutral"  # "answered" resets the failure count, "failed" adds ``misses`` (at least one)
    missed: Missed | None = None
    # The ranking this turn was decided on (empty when no search decided it): for the evaluation,
    # which must read what the live bot saw; never shown to the customer.
    ranked: tuple[Match, ...] = field(default=(), repr=False, compare=False)
    resolved: bool = False  # the customer said goodbye: the bot ends the conversation
    start_flow: str | None = None  # the key of a guided journey to start (the flows package runs it)
    priority: int | None = None  # the queue priority a hand-over asks for at least (an urgent message)
    misses: int = 0  # misses this turn adds to the failure count (an ignored suggestion and a decline: 2)
    # What became of the suggestions of the bot's previous turn: the customer picked one, asked again
    # and got an answer, or ignored them (a miss); None when the previous turn offered none.
    clarify_settled: ClarifySettled | None = None


@dataclass(frozen=True, slots=True)
class State:
    """What the policy knows of the conversation."""

    failures: int = 0
    is_vip: bool = False
    recent_questions: tuple[str, ...] = ()
    locale: str = ZH
    channel: str = "web"
    last_bot_kind: str | None = None  # the ``kind`` of the bot's previous message ("clarify", "answer" …)
    money_group_id: int | None = None  # the skill group that handles money (routing's ``is_money``)
    within_hours: bool = True  # people are at work now: a hand-over for failing reaches someone


class Journeys(Protocol):
    """Guided journeys the bot can start (the flows package provides one)."""

    def match(self, text: str, entry_id: int | None) -> str | None:
        """The key of the journey whose trigger fits the message (and the entry it best matches)."""
        ...


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
        *,
        journeys: Journeys | None = None,
    ) -> None:
        self.index = index
        self.settings = settings
        self.is_negative = is_negative
        self.texts = texts or TextBook()
        self.journeys = journeys
        self._money_entries: dict[int, bool] = {}

    def about_money(self, entry: EntryView) -> bool:
        """Whether an entry is about money (cached: the index's entries do not change)."""
        known = self._money_entries.get(entry.id)
        if known is None:
            known = self._money_entries[entry.id] = entry_is_about_money(entry.question, entry.similar)
        return known

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

    def _gives_up(self, failures: int, state: State) -> bool:
        """``failures`` misses in a row call for a person (while people are at work to take over)."""
        limit = self.settings.max_failures
        return bool(limit) and failures >= limit and state.within_hours

    def respond(self, text: str, state: State, *, pick: int | None = None) -> Turn:
        """The bot's turn for a customer message (``pick``: an entry the customer clicked)."""
        after_clarify = state.last_bot_kind == "clarify"
        ignoring = after_clarify and (pick is None or self.index.entry(pick) is None)
        # Decide as if the suggestions were ignored: a decline now is the second miss, not the first.
        concerns = concerns_of(text)
        turn = self._decide(text, replace(state, failures=state.failures + 1) if ignoring else state, pick, concerns)
        if concerns.urgent and turn.handover is not None:
            turn = replace(turn, priority=max(turn.priority or 0, URGENT_PRIORITY))
        if after_clarify and not ignoring:
            return replace(turn, clarify_settled="picked")
        if not ignoring or any(r.meta.get("kind") == "smalltalk" for r in turn.replies):
            return turn  # (small talk after suggestions neither answers nor rejects them)
        if turn.outcome == "answered" or turn.start_flow is not None:
            return replace(turn, clarify_settled="answered")
        return self._ignored(text, turn, state)

    def _ignored(self, text: str, turn: Turn, state: State) -> Turn:
        """The customer ignored the previous turn's suggestions: one more miss, and a person once they add up."""
        misses = max(turn.misses, 1 if turn.outcome == "failed" else 0) + 1
        turn = replace(turn, outcome="failed", misses=misses, clarify_settled="ignored")
        if turn.handover is not None or not self._gives_up(state.failures + misses, state):
            return turn
        locale = message_locale(text, state.locale)
        handover = self._handover("bot_failed", text, state, locale)
        missed = turn.missed
        if missed is not None and missed.reason == "clarified":  # no suggestions were shown after all
            missed = replace(missed, reason="no_match")
        return replace(
            turn,
            replies=handover.replies,
            handover="bot_failed",
            handover_group_id=handover.handover_group_id,
            missed=missed,
        )

    def _triggered(self, text: str, intent: Intent, state: State, locale: str) -> Turn | None:
        """A hand-over the customer's message calls for before anything else (each one a setting)."""
        settings = self.settings
        if intent is Intent.HUMAN and settings.handover_on_request:
            return self._handover("customer_request", text, state, locale)
        if state.is_vip and settings.handover_on_vip:
            return self._handover("vip", text, state, locale)
        if settings.handover_on_negative and self.is_negative(text):
            return self._handover("negative_sentiment", text, state, locale)
        return None

    def _decide(self, text: str, state: State, pick: int | None, concerns: Concerns) -> Turn:
        locale = message_locale(text, state.locale)
        settings = self.settings
        if pick is not None:
            entry = self.index.entry(pick)
            if entry is not None:
                return self._answer(entry, self.index.search(entry.question, 4), text, state, locale)
        intent = classify(text)
        triggered = self._triggered(text, intent, state, locale)
        if triggered is not None:
            return triggered
        ranked: list[Match] | None = None
        if self.journeys is not None and intent is Intent.NONE:
            ranked = self.index.search(text, CANDIDATES)
            best = self._trusted(ranked, concerns)
            # An entry starts its journey only when the bot would have answered with it: a weak match
            # (worth a suggestion at most) must not send a customer down a journey they did not ask for.
            fits = best is not None and best.confidence >= settings.answer_threshold
            flow = self.journeys.match(text, best.entry.id if best is not None and fits else None)
            if flow is not None:
                return Turn([], start_flow=flow, outcome="answered", ranked=tuple(ranked))
        if intent in SMALL_TALK:
            reply = self._say(SMALL_TALK[intent], locale, state, {"kind": "smalltalk"})
            return Turn([reply], resolved=intent is Intent.GOODBYE)
        if intent is Intent.HUMAN:  # Hand-over on request switched off: say how to reach people instead.
            return self._decline(text, [], state, locale)
        if ranked is None:
            ranked = self.index.search(text, CANDIDATES)
        matches = ranked[:5]
        top = matches[0] if matches else None
        if concerns.money_trouble:
            turn = self._money(text, matches, state, locale, concerns)
        elif top is not None and top.confidence >= settings.answer_threshold:
            turn = self._answer(top.entry, matches, text, state, locale)
        elif top is not None and top.confidence >= settings.clarify_threshold:
            turn = self._clarify(text, matches[:3], state, locale)
        else:
            turn = self._decline(text, matches, state, locale)
        return replace(turn, ranked=tuple(ranked))

    def _trusted(self, ranked: Sequence[Match], concerns: Concerns) -> Match | None:
        """The best match, unless the message is about money trouble and that entry is not about money."""
        top = ranked[0] if ranked else None
        if top is not None and concerns.money_trouble and not self.about_money(top.entry):
            return None
        return top

    def _money(self, text: str, matches: Sequence[Match], state: State, locale: str, concerns: Concerns) -> Turn:
        """Money trouble: a confident answer from an entry about money, else the people who handle money.

        Never an answer from an entry about something else: "钱包地址填错了" is not the shipping address.
        """
        top = self._trusted(matches, concerns)
        if top is not None and top.confidence >= self.settings.answer_threshold:
            return self._answer(top.entry, matches, text, state, locale)
        group = state.money_group_id
        if group is None:
            money = [m for m in matches if self.about_money(m.entry) and m.entry.skill_group_id is not None]
            group = money[0].entry.skill_group_id if money else None
        turn = self._handover("money", text, state, locale, group=group)
        best = matches[0] if matches else None
        missed = Missed(text, "money", best.entry.id if best else None, best.confidence if best else None)
        return replace(turn, outcome="failed", misses=1, missed=missed)

    def _answer(self, entry: EntryView, matches: Sequence[Match], text: str, state: State, locale: str) -> Turn:
        reply = answer_reply(entry, matches, text)
        if entry.handover and self.settings.handover_on_sensitive:
            meta = {"kind": "handover", "reason": "sensitive_topic"}
            note = self._say("handover.sensitive_topic", locale, state, meta)
            return Turn([reply, note], "sensitive_topic", entry.skill_group_id, outcome="answered")
        return Turn([reply], outcome="answered")

    def _clarify(self, text: str, matches: Sequence[Match], state: State, locale: str) -> Turn:
        suggestions = [_suggestion(m) for m in matches]
        meta = {"kind": "clarify", "suggestions": suggestions, "buttons": [self._human_button(locale, state)]}
        # Recorded now (the customer may leave without a word); settled by what they do next.
        missed = Missed(text, "clarified", matches[0].entry.id, matches[0].confidence)
        return Turn([self._say("bot.clarify", locale, state, meta)], missed=missed)

    def _decline(self, text: str, matches: Sequence[Match], state: State, locale: str) -> Turn:
        top = matches[0] if matches else None
        missed = Missed(text, "no_match", top.entry.id if top else None, top.confidence if top else None)
        if self._gives_up(state.failures + 1, state):
            turn = self._handover("bot_failed", text, state, locale)
            return replace(turn, outcome="failed", misses=1, missed=missed)
        reply = self._say(
            "bot.decline", locale, state, {"kind": "decline", "buttons": [self._human_button(locale, state)]}
        )
        return Turn([reply], outcome="failed", missed=missed, misses=1)

    def unhelpful(self, answer_meta: dict[str, Any], state: State) -> Turn:
        """The customer said an answer did not help: offer the next best answers, or a person."""
        query = str(answer_meta.get("query") or answer_meta.get("question") or "")
        locale = message_locale(query, state.locale)
        missed = Missed(query, "unhelpful", answer_meta.get("entry_id"), None)
        if self._gives_up(state.failures + 1, state):
            turn = self._handover("bot_failed", query, state, locale)
            return replace(turn, outcome="failed", misses=1, missed=missed)
        alternatives = [a for a in answer_meta.get("alternatives", []) if self.index.entry(int(a["entry_id"]))]
        code = "bot.unhelpful.alternatives" if alternatives else "bot.unhelpful.offer_person"
        meta = {"kind": "clarify", "suggestions": alternatives, "buttons": [self._human_button(locale, state)]}
        return Turn([self._say(code, locale, state, meta)], outcome="failed", missed=missed, misses=1)
