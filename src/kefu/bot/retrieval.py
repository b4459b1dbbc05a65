"""The bot's ranker: field-weighted BM25 over words and character n-grams fused with a
translation model learned from the knowledge base's own question → answer pairs.

Every component scores all entries; each score vector is standardised over its top
``norm_depth`` values (mean / standard deviation) and the components are averaged with their
weights. The fused top score and its margin to the runner-up give a confidence in [0, 1]
through a logistic curve.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from kefu.bot.bm25 import BM25Field, FloatArray, Vocabulary, count_matrix
from kefu.bot.tokenizer import Tokenizer
from kefu.bot.translation import TranslationModel, TranslationSettings


@dataclass(frozen=True, slots=True)
class KBDoc:
    """One knowledge-base entry as the ranker sees it."""

    id: str
    question: str
    similar: list[str] = field(default_factory=list)
    answer: str = ""
    keywords: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Hit:
    """A ranked entry."""

    doc_id: str
    score: float
    confidence: float
    matched_question: str


@dataclass(frozen=True, slots=True)
class RankerSettings:
    """Weights of the fused components and the confidence curve (defaults tuned on a valid split)."""

    k1: float = 1.2
    b: float = 0.75
    answer_words: float = 0.3
    answer_ngrams: float = 1.0
    question_words: float = 0.3
    question_ngrams: float = 0.6
    similar_words: float = 0.15
    similar_ngrams: float = 0.3
    keywords: float = 0.5
    translation: float = 1.0
    translation_model: TranslationSettings = field(default_factory=TranslationSettings)
    norm_depth: int = 100
    # confidence = sigmoid(conf_scale * top + conf_margin * (top - second) + conf_bias)
    conf_scale: float = 0.70
    conf_margin: float = 0.12
    conf_bias: float = -4.23

    @classmethod
    def answer_centric(cls) -> RankerSettings:
        """Weights for knowledge bases whose question fields are sparse or noisy.

        Tuned on the InsuranceQA-zh valid split, where the attached questions belong to other
        customers' requests: matching them misleads, so almost all weight goes to the answer
        text and to the translation model learned from the question/answer pairs (the questions
        still train that model).
        """
        return cls(
            answer_words=0.0,
            answer_ngrams=1.0,
            question_words=0.0,
            question_ngrams=0.0,
            similar_words=0.0,
            similar_ngrams=0.0,
            keywords=0.3,
            translation=1.0,
        )


@dataclass(slots=True)
class _Fields:
    words: list[list[int]]
    ngrams: list[list[int]]


@dataclass(slots=True)
class _Corpus:
    answer: _Fields = field(default_factory=lambda: _Fields([], []))
    question: _Fields = field(default_factory=lambda: _Fields([], []))
    similar: _Fields = field(default_factory=lambda: _Fields([], []))
    keywords: list[list[int]] = field(default_factory=list)
    pair_docs: list[int] = field(default_factory=list)  # translation training pairs:
    pair_questions: list[list[int]] = field(default_factory=list)  # (entry, question word ids)


def _tokenize(docs: Sequence[KBDoc], tokenizer: Tokenizer, words: Vocabulary, grams: Vocabulary) -> _Corpus:
    """Token ids of every field of every entry, plus the (question, answer) training pairs."""
    c = _Corpus()
    answer, question, similar = c.answer, c.question, c.similar
    keywords, pair_docs, pair_questions = c.keywords, c.pair_docs, c.pair_questions
    for index, doc in enumerate(docs):
        w, g = tokenizer.analyze(doc.answer)
        answer.words.append(words.add(w))
        answer.ngrams.append(grams.add(g))
        q_words, q_grams = tokenizer.analyze(doc.question) if doc.question else ([], [])
        question.words.append(words.add(q_words))
        question.ngrams.append(grams.add(q_grams))
        sim_words: list[int] = []
        sim_grams: list[int] = []
        if q_words:
            pair_docs.append(index)
            pair_questions.append(question.words[-1])
        for text in doc.similar:
            sw, sg = tokenizer.analyze(text)
            ids = words.add(sw)
            sim_words.extend(ids)
            sim_grams.extend(grams.add(sg))
            if ids:
                pair_docs.append(index)
                pair_questions.append(ids)
        similar.words.append(sim_words)
        similar.ngrams.append(sim_grams)
        keywords.append(words.add([t for k in doc.keywords for t in tokenizer.words(k)]))
    return c


def _standardise(scores: FloatArray, depth: int) -> FloatArray:
    """Scale a score vector by the mean and spread of its ``depth`` best values."""
    n = len(scores)
    if n == 0:
        return scores
    depth = min(depth, n)
    nonzero = scores[scores != 0]  # partitioning many tied zeros is slow: leave them out
    if len(nonzero) > depth:
        top = np.partition(nonzero, len(nonzero) - depth)[len(nonzero) - depth :]
    else:
        top = np.concatenate([nonzero, np.zeros(depth - len(nonzero), dtype=scores.dtype)])
    spread = float(top.std())
    if float(top.max()) <= 0.0 or spread <= 1e-9:
        return np.zeros_like(scores)
    return ((scores - float(top.mean())) / spread).astype(np.float32)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 50.0), -50.0)))


class Retriever:
    """An immutable index over knowledge-base entries; build once, search many times."""

    def __init__(self, tokenizer: Tokenizer, settings: RankerSettings | None = None) -> None:
        """An empty index; use :meth:`build`."""
        self.tokenizer = tokenizer
        self.settings = settings or RankerSettings()
        self.docs: list[KBDoc] = []
        self.doc_ids: list[str] = []
        self.words = Vocabulary()
        self.grams = Vocabulary()
        self.fields: list[tuple[str, float, BM25Field]] = []
        self._field_is_words: dict[str, bool] = {}
        self.translation: TranslationModel | None = None
        self.build_seconds = 0.0

    @classmethod
    def build(cls, docs: Sequence[KBDoc], tokenizer: Tokenizer, settings: RankerSettings | None = None) -> Retriever:
        """Index ``docs`` and learn the translation model from their (question, answer) pairs."""
        started = time.perf_counter()
        self = cls(tokenizer, settings)
        s = self.settings
        self.docs = list(docs)
        self.doc_ids = [d.id for d in self.docs]
        for doc in self.docs:
            for keyword in doc.keywords:
                tokenizer.add_word(keyword)
        words, grams = self.words, self.grams
        corpus = _tokenize(self.docs, tokenizer, words, grams)
        answer, question, similar = corpus.answer, corpus.question, corpus.similar
        keywords, pair_docs, pair_questions = corpus.keywords, corpus.pair_docs, corpus.pair_questions
        n_words, n_grams = len(words), len(grams)
        answer_counts = count_matrix(answer.words, n_words)
        specs = [
            ("answer_words", s.answer_words, answer_counts, True),
            ("answer_ngrams", s.answer_ngrams, count_matrix(answer.ngrams, n_grams), False),
            ("question_words", s.question_words, count_matrix(question.words, n_words), True),
            ("question_ngrams", s.question_ngrams, count_matrix(question.ngrams, n_grams), False),
            ("similar_words", s.similar_words, count_matrix(similar.words, n_words), True),
            ("similar_ngrams", s.similar_ngrams, count_matrix(similar.ngrams, n_grams), False),
            ("keywords", s.keywords, count_matrix(keywords, n_words), True),
        ]
        for name, weight, counts, is_words in specs:
            if weight > 0 and counts.nnz:
                self.fields.append((name, weight, BM25Field(counts, k1=s.k1, b=s.b)))
                self._field_is_words[name] = is_words
        if s.translation > 0 and pair_docs:
            totals = (
                np.bincount(
                    np.fromiter((t for q in pair_questions for t in q), dtype=np.int64), minlength=n_words
                ).astype(np.float64)
                + np.asarray(answer_counts.sum(axis=0)).ravel()
            )
            background = ((totals + 0.5) / (totals.sum() + 0.5 * n_words)).astype(np.float32)
            self.translation = TranslationModel(
                answer_counts, pair_docs, pair_questions, background, s.translation_model
            )
        self.build_seconds = time.perf_counter() - started
        return self

    def __len__(self) -> int:
        return len(self.doc_ids)

    def components(self, query: str) -> dict[str, FloatArray]:
        """Raw score vector of every component (for tuning and diagnostics)."""
        q_words, q_grams = self.tokenizer.analyze(query)
        word_ids = self.words.lookup(q_words)
        gram_ids = self.grams.lookup(q_grams)
        out: dict[str, FloatArray] = {}
        for name, _weight, index in self.fields:
            out[name] = index.score(word_ids if self._field_is_words[name] else gram_ids)
        if self.translation is not None:
            out["translation"] = self.translation.score(word_ids)
        return out

    def weights(self) -> dict[str, float]:
        """The fusion weight of every active component."""
        out = {name: weight for name, weight, _ in self.fields}
        if self.translation is not None:
            out["translation"] = self.settings.translation
        return out

    def fused(self, query: str) -> FloatArray:
        """Fused score of every entry: weighted mean of the standardised component scores."""
        total = np.zeros(len(self.doc_ids), dtype=np.float32)
        weights = self.weights()
        for name, scores in self.components(query).items():
            total += weights[name] * _standardise(scores, self.settings.norm_depth)
        weight_sum = sum(weights.values())
        return total / weight_sum if weight_sum > 0 else total

    def confidence(self, top: float, second: float) -> float:
        """Calibrated probability that the entry scored ``top`` is right, given the runner-up."""
        s = self.settings
        return _sigmoid(s.conf_scale * top + s.conf_margin * (top - second) + s.conf_bias)

    def search(self, query: str, k: int = 10) -> list[Hit]:
        """The ``k`` best entries for ``query`` (empty when nothing in the query matches)."""
        if not self.doc_ids or k <= 0:
            return []
        scores = self.fused(query)
        if not np.any(scores):
            return []
        n = len(scores)
        depth = min(k + 1, n)
        best = np.argpartition(-scores, depth - 1)[:depth] if depth < n else np.arange(n)
        best = best[np.argsort(-scores[best], kind="stable")]
        values = [float(scores[i]) for i in best]
        hits = []
        for rank, index in enumerate(best[:k]):
            other = values[1] if rank == 0 else values[0]
            if rank == 0 and len(values) == 1:
                other = 0.0
            hits.append(
                Hit(
                    doc_id=self.doc_ids[index],
                    score=values[rank],
                    confidence=self.confidence(values[rank], other),
                    matched_question=self._matched_question(int(index), query),
                )
            )
        return hits

    def _matched_question(self, index: int, query: str) -> str:
        doc = self.docs[index]
        candidates = [q for q in [doc.question, *doc.similar] if q]
        if len(candidates) <= 1:
            return candidates[0] if candidates else ""
        query_grams = set(self.tokenizer.ngrams(query))

        def overlap(text: str) -> float:
            grams = set(self.tokenizer.ngrams(text))
            return len(grams & query_grams) / (len(grams | query_grams) or 1)

        return str(max(candidates, key=overlap))
