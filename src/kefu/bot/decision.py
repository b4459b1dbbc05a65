"""Turn ranked hits into what the bot does: answer, ask the customer to pick, or decline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kefu.bot.retrieval import Hit

DecisionKind = Literal["answer", "clarify", "decline"]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Confidence thresholds (the defaults are the bot's, KEFU_BOT_ANSWER_THRESHOLD / _CLARIFY_THRESHOLD)."""

    answer: float = 0.6  # answer directly when the top hit is at least this confident ...
    clarify: float = 0.25  # ... else offer the candidates at least this confident ...
    margin: float = 0.05  # ... and answer only when the runner-up is this much less confident
    max_options: int = 3  # candidates offered when clarifying


@dataclass(frozen=True, slots=True)
class Decision:
    """The bot's move and the hits that support it."""

    kind: DecisionKind
    hits: list[Hit]


def decide(hits: Sequence[Hit], thresholds: Thresholds | None = None) -> Decision:
    """Answer with the top hit, clarify between the plausible ones, or decline."""
    t = thresholds or Thresholds()
    if not hits:
        return Decision("decline", [])
    top = hits[0]
    second = hits[1].confidence if len(hits) > 1 else 0.0
    if top.confidence >= t.answer and top.confidence - second >= t.margin:
        return Decision("answer", [top])
    if top.confidence >= t.clarify:
        options = [h for h in hits if h.confidence >= t.clarify][: t.max_options]
        return Decision("clarify", options)
    return Decision("decline", [])
