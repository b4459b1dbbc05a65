"""The bot's in-memory index of the active knowledge base, rebuilt whenever the knowledge changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from kefu.bot.embeddings import Embedder
from kefu.bot.entries import EntryView
from kefu.bot.question_match import QuestionMatcher
from kefu.bot.retrieval import KBDoc, Retriever
from kefu.bot.tokenizer import Tokenizer

CANDIDATES = 10


@dataclass(frozen=True, slots=True)
class Match:
    """An entry the bot found for a question, with its calibrated confidence in [0, 1]."""

    entry: EntryView
    confidence: float
    matched_question: str


class BotIndex:
    """Active entries (enabled, inside their validity window) and the ranker over them."""

    def __init__(
        self, entries: Sequence[EntryView], retriever: Retriever | None, matcher: QuestionMatcher | None = None
    ) -> None:
        self._entries = {entry.id: entry for entry in entries}
        self._retriever = retriever
        self._matcher = matcher

    @classmethod
    def build(
        cls,
        entries: Iterable[EntryView],
        now: datetime,
        user_words: Iterable[str] = (),
        synonyms: Iterable[Sequence[str]] = (),
        embedder: Embedder | None = None,
    ) -> BotIndex:
        """Index the entries active at ``now`` with the company's dictionary and synonyms."""
        active = [entry for entry in entries if entry.active(now)]
        if not active:
            return cls([], None)
        tokenizer = Tokenizer(user_words, synonyms)
        docs = [KBDoc(str(e.id), e.question, list(e.similar), e.answer, list(e.keywords)) for e in active]
        retriever = Retriever.build(docs, tokenizer, embedder=embedder)
        # The restatement boost trusts an entry's stored questions to name it. The ranker has learned from
        # held-out stored questions whether they do: a question scale of 0 means they do not (e.g. a
        # knowledge base mined from other customers' questions), and the boost would then override a
        # rightly unsure ranker with a near-restatement of somebody else's question.
        matcher = None
        if retriever.question_scale > 0:
            matcher = QuestionMatcher(tokenizer, {str(e.id): [e.question, *e.similar] for e in active})
        return cls(active, retriever, matcher)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def retriever(self) -> Retriever | None:
        """The ranker under the index (None when nothing is active), for benchmarks that tune it."""
        return self._retriever

    def entry(self, entry_id: int) -> EntryView | None:
        """An active entry by id."""
        return self._entries.get(entry_id)

    def search(self, text: str, k: int = 5) -> list[Match]:
        """The best ``k`` entries for ``text``, most confident first.

        Confidence is the larger of the ranker's calibrated confidence and how closely the query
        restates one of the entry's questions (``QuestionMatcher``, when the stored questions identify
        their entries); candidates are re-ordered by it, so a near-restatement of an entry's question
        wins over a merely related entry.
        """
        if self._retriever is None or not text.strip():
            return []
        matches = []
        for hit in self._retriever.search(text, max(k, CANDIDATES)):
            entry = self._entries.get(int(hit.doc_id))
            if entry is None:
                continue
            confidence, question = float(hit.confidence), hit.matched_question
            if self._matcher is not None:
                similarity, index = self._matcher.similarity(text, hit.doc_id)
                if similarity > confidence:
                    confidence = similarity
                    question = ([entry.question, *entry.similar])[index] if index >= 0 else question
            matches.append(Match(entry, confidence, question))
        matches.sort(key=lambda m: m.confidence, reverse=True)
        return matches[:k]
