"""How closely a query restates one of an entry's questions: the FAQ evidence behind "answer now".

The ranker's scores say which entry is best *relative to the others*; they cannot tell a restated
question from a query that merely shares common words with every entry. This measure can: the
IDF-weighted overlap (Dice) of the query's words and character bigrams with each of the entry's
questions, taking the best question. A question asked in other words scores high; "量子力学是什么"
against "商品保修政策是什么" shares only the common "是什么" and scores low.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from kefu.bot.tokenizer import Tokenizer


class QuestionMatcher:
    """IDF-weighted token-set similarity between a query and the questions of entries."""

    def __init__(self, tokenizer: Tokenizer, questions: dict[str, Sequence[str]]) -> None:
        self._tokenizer = tokenizer
        self._questions: dict[str, list[frozenset[str]]] = {}
        df: Counter[str] = Counter()
        for doc_id, texts in questions.items():
            sets = [self._tokens(text) for text in texts if text.strip()]
            self._questions[doc_id] = [s for s in sets if s]
            for tokens in self._questions[doc_id]:
                df.update(tokens)
        total = max(1, sum(len(sets) for sets in self._questions.values()))
        self._idf = {token: math.log(1 + total / count) for token, count in df.items()}
        self._unknown_idf = math.log(1 + total)

    def _tokens(self, text: str) -> frozenset[str]:
        words, ngrams = self._tokenizer.analyze(text)
        return frozenset([f"w:{w}" for w in words] + [f"n:{g}" for g in ngrams if len(g) > 1 or not g.isascii()])

    def _weight(self, tokens: Iterable[str]) -> float:
        return sum(self._idf.get(token, self._unknown_idf) for token in tokens)

    def similarity(self, query: str, doc_id: str) -> tuple[float, int]:
        """Best Dice similarity in [0, 1] of ``query`` with the entry's questions, and which question."""
        query_tokens = self._tokens(query)
        if not query_tokens:
            return 0.0, -1
        query_weight = self._weight(query_tokens)
        best, best_index = 0.0, -1
        for index, tokens in enumerate(self._questions.get(doc_id, ())):
            shared = self._weight(query_tokens & tokens)
            score = 2 * shared / (query_weight + self._weight(tokens))
            if score > best:
                best, best_index = score, index
        return best, best_index
