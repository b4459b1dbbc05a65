"""The live bot's dialogue policy, assembled in one place.

``BotService`` (the bot customers meet) and the offline evaluation (``kefu eval``, the bench scripts)
both get their ``Policy`` here, so a published figure describes the same index, thresholds and
hand-over triggers that answer customers: a second way of building it would drift from the first
the moment someone tunes one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from kefu.bot.embeddings import Embedder
from kefu.bot.entries import EntryView
from kefu.bot.index import BotIndex
from kefu.bot.policy import BotSettings, Journeys, Policy
from kefu.bot.sentiment import analyze
from kefu.bot.settings import env_defaults
from kefu.config import Settings


def bot_settings(settings: Settings) -> BotSettings:
    """The bot's thresholds and triggers from the node's settings (what an admin's overrides sit on)."""
    return env_defaults(settings)


def anger_detector(threshold: float) -> Callable[[str], bool]:
    """Hand over on anger or complaint, not on a customer merely describing a problem.

    The sentiment scorer's own cut-off separates negative from positive reviews; a customer-service
    message is nearly always "negative" in that sense ("东西坏了"), so hand-over needs a stronger signal:
    the raw lexicon score at or above ``threshold`` ("垃圾客服", "骗子", "我要投诉", "worst service").
    """
    return lambda text: analyze(text).raw >= threshold


def build_policy(
    settings: Settings,
    entries: Iterable[EntryView],
    now: datetime,
    user_words: Iterable[str] = (),
    synonyms: Iterable[Sequence[str]] = (),
    embedder: Embedder | None = None,
    journeys: Journeys | None = None,
) -> Policy:
    """Index the entries active at ``now`` and wrap the index in the policy ``settings`` configure.

    CPU-bound (seconds for tens of thousands of entries): the service calls it in a worker thread.
    """
    index = BotIndex.build(entries, now, user_words, synonyms, embedder)
    return Policy(index, bot_settings(settings), anger_detector(settings.bot_anger_threshold), journeys=journeys)
