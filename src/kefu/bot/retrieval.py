"""The bot's ranker: field-weighted BM25 over words and character n-grams fused with a
translation model learned from the knowledge base's own question → answer pairs.

Fields: the answer (character n-grams, optionally words), the answer's first sentence (which
in a good answer restates what it answers), the standard question, the similar questions and
the keywords. Query n-grams are weighted for the answer fields by how often the same n-gram in
a stored question also appears in that question's answer (a customer's 怎么/可以 rarely does,
费用 does). The translation model scores the query against the answer with its opening words
weighted most.

How much the question fields count is learned per knowledge base when the index is built: a
sample of the stored questions is held out, and the weight that ranks their own entries best
wins. A company FAQ whose similar questions are real paraphrases keeps them at full weight; a
collection whose attached questions name other answers' topics turns them down.

Every component scores all entries; each score vector is standardised over its top
``norm_depth`` values (mean / standard deviation) and the components are averaged with their
weights. The fused top score and its margin to the runner-up give a confidence in [0, 1]
through a logistic curve.
"""

from __future__ import annotations

import gc
import math
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp  # type: ignore[import-untyped]

from kefu.bot.bm25 import BM25Field, FloatArray, Ragged, Vocabulary, count_matrix
from kefu.bot.embeddings import Embedder
from kefu.bot.ngrams import GramVocabulary
from kefu.bot.tokenizer import Analysis, Tokenizer
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
    answer_words: float = 0.0
    answer_ngrams: float = 1.0
    answer_lead: float = 0.4
    question_words: float = 0.3
    question_ngrams: float = 0.6
    similar_words: float = 0.15
    similar_ngrams: float = 0.3
    keywords: float = 0.3
    translation: float = 1.5
    translation_model: TranslationSettings = field(default_factory=TranslationSettings)
    position_decay: float = 10.0  # words: the translation model weighs answer word i by exp(-i / decay)
    carry_prior: float = 20.0  # pseudo-count pulling an n-gram's carry rate to the mean (0: no weighting)
    question_scales: tuple[float, ...] = (0.0, 0.25, 0.5, 1.0, 2.0)  # candidates for the question fields
    tuning_probes: int = 100  # held-out questions used to choose among them
    min_tuning_probes: int = 10  # fewer probes than this (under 40 questions): keep scale 1
    retrain_share: float = 0.02  # held-out share of the questions above which the model is retrained
    embedding: float = 1.5  # dense answer-opening embeddings, when an embedder is given
    norm_depth: int = 100
    # confidence = sigmoid(conf_scale * top + conf_margin * (top - second) + conf_bias)
    conf_scale: float = 0.843
    conf_margin: float = 0.068
    conf_bias: float = -4.298
    # the same curve fitted with the dense embedding component fused in
    dense_conf_scale: float = 0.705
    dense_conf_margin: float = 0.301
    dense_conf_bias: float = -3.716


_QUESTION_FIELDS = ("question_words", "question_ngrams", "similar_words", "similar_ngrams")
_SENTENCE_END = re.compile(r"(?<=[。？！；?!;])|(?<=[.])\s")


_LEAD_LIMIT = 200  # characters


def lead_sentence(text: str, limit: int = _LEAD_LIMIT) -> str:
    """The first sentence of ``text`` (at most ``limit`` characters)."""
    for part in _SENTENCE_END.split(text.strip()):
        if part.strip():
            return part.strip()[:limit]
    return ""


class _Ids(NamedTuple):
    """A text's word and n-gram ids."""

    words: list[int]
    grams: list[int]
    vector: FloatArray | None = None  # dense query embedding (with the embeddings extra)


@dataclass(slots=True)
class _Question:
    entry: int
    text: str
    words: list[int]
    grams: list[int]


_EMPTY = Ragged(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64))


@dataclass(slots=True)
class _Corpus:
    answer_words: list[list[int]] = field(default_factory=list)
    answer_grams: Ragged = field(default_factory=lambda: _EMPTY)
    lead_grams: Ragged = field(default_factory=lambda: _EMPTY)
    keywords: list[list[int]] = field(default_factory=list)
    questions: list[_Question] = field(default_factory=list)  # standard and similar, in entry order
    standard: set[int] = field(default_factory=set)  # indexes into ``questions`` of standard questions


@dataclass(slots=True)
class _Field:
    name: str
    weight: float
    index: BM25Field
    words: bool  # scored with word ids (else n-gram ids)
    carry: bool  # query n-grams weighted by their carry rate


def _tokenize(docs: Sequence[KBDoc], tokenizer: Tokenizer, words: Vocabulary, grams: GramVocabulary) -> _Corpus:
    """Token ids of every field of every entry."""
    c = _Corpus()
    answers: list[Analysis] = []
    leads: list[Analysis] = []
    questions: list[Analysis] = []
    for index, doc in enumerate(docs):
        lead = lead_sentence(doc.answer)
        end = doc.answer.find(lead) + len(lead)
        if lead and len(lead) < _LEAD_LIMIT:  # the lead ends a sentence: segment the answer once
            answer, lead_analysis = tokenizer.analysis_split(doc.answer[:end], doc.answer[end:])
        else:
            answer, lead_analysis = tokenizer.analysis(doc.answer), tokenizer.analysis(lead)
        answers.append(answer)
        leads.append(lead_analysis)
        c.answer_words.append(words.add(answer.words))
        for position, text in enumerate([doc.question, *doc.similar]):
            if not text:
                continue
            question = tokenizer.analysis(text)
            if position == 0:
                c.standard.add(len(c.questions))
            questions.append(question)
            c.questions.append(_Question(index, text, words.add(question.words), []))
        c.keywords.append(words.add([t for k in doc.keywords for t in tokenizer.words(k)]))
    c.answer_grams, c.lead_grams, question_grams = grams.fit([answers, leads, questions])
    for number, q in enumerate(c.questions):
        q.grams = question_grams.row(number)
    return c


def _question_fields(
    corpus: _Corpus, n_docs: int, n_words: int, n_grams: int, s: RankerSettings, scale: float, skip: set[str]
) -> list[_Field]:
    """BM25 fields over the stored questions, leaving out those whose text is in ``skip``."""
    parts: dict[str, list[list[int]]] = {name: [[] for _ in range(n_docs)] for name in _QUESTION_FIELDS}
    for number, q in enumerate(corpus.questions):
        if q.text in skip:
            continue
        prefix = "question" if number in corpus.standard else "similar"
        parts[f"{prefix}_words"][q.entry].extend(q.words)
        parts[f"{prefix}_ngrams"][q.entry].extend(q.grams)
    out = []
    for name in _QUESTION_FIELDS:
        weight = getattr(s, name) * scale
        is_words = name.endswith("_words")
        counts = count_matrix(parts[name], n_words if is_words else n_grams)
        if weight > 0 and counts.nnz:
            out.append(_Field(name, weight, BM25Field(counts, k1=s.k1, b=s.b), is_words, False))
    return out


def _position_weighted(docs: Sequence[list[int]], n_cols: int, decay: float) -> sp.csr_matrix:
    """Document × token matrix where the i-th token of a document counts exp(-i / decay)."""
    ragged = Ragged.of(docs)
    lengths = np.diff(ragged.indptr)
    positions = np.arange(len(ragged.ids)) - np.repeat(ragged.indptr[:-1], lengths)
    data = np.exp(-positions / decay).astype(np.float32)
    mat = sp.csr_matrix((data, ragged.ids, ragged.indptr), shape=(len(docs), n_cols))
    mat.sum_duplicates()
    return mat


def _carry_rates(corpus: _Corpus, answers: sp.csr_matrix, prior: float) -> FloatArray:
    """Per n-gram: how much likelier than average an n-gram of a stored question recurs in its answer.

    ``(n_both + prior · mean) / (n_question + prior) / mean``, with the counts taken over the
    (question, answer) pairs of the knowledge base; 1 for n-grams no question contains.
    """
    n_grams = answers.shape[1]
    pairs = [q for q in corpus.questions if q.grams]
    if prior <= 0 or not pairs:
        return np.ones(n_grams, dtype=np.float32)
    asked = count_matrix([sorted(set(q.grams)) for q in pairs], n_grams)
    present = answers[[q.entry for q in pairs]]
    present.data[:] = 1.0
    n_question = np.asarray(asked.sum(axis=0)).ravel()
    n_both = np.asarray(asked.multiply(present).sum(axis=0)).ravel()
    mean = float(n_both.sum() / max(n_question.sum(), 1.0)) or 1.0
    return ((n_both + prior * mean) / (n_question + prior) / mean).astype(np.float32)


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
    spread, best = float(top.std()), float(top.max())
    if best <= 0.0:
        return np.zeros_like(scores)
    if spread <= 1e-9:  # a single entry, or all the best tied: no spread to scale by
        return (scores / best).astype(np.float32)
    return ((scores - float(top.mean())) / spread).astype(np.float32)


@contextmanager
def _collection_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: a build makes millions of small objects that are
    no cycles, and the collector would walk them again and again (a tenth of the build)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
        self.grams = GramVocabulary()
        self.fields: list[_Field] = []
        self.carry: FloatArray = np.ones(0, dtype=np.float32)
        self.translation: TranslationModel | None = None
        self.embedder: Embedder | None = None
        self.vectors: FloatArray | None = None  # entry × dimension, answer openings
        self.question_scale = 1.0
        self.tuning: dict[float, float] = {}  # question scale → MRR@10 of the held-out questions
        self.build_seconds = 0.0

    @classmethod
    def build(
        cls,
        docs: Sequence[KBDoc],
        tokenizer: Tokenizer,
        settings: RankerSettings | None = None,
        embedder: Embedder | None = None,
    ) -> Retriever:
        """Index ``docs``, learn the translation model and the question fields' weight.

        With an ``embedder`` the answers' openings are embedded too and fused as one more component.
        """
        started = time.perf_counter()
        with _collection_paused():
            self = cls._build(docs, tokenizer, settings, embedder)
        self.build_seconds = time.perf_counter() - started
        return self

    @classmethod
    def _build(
        cls, docs: Sequence[KBDoc], tokenizer: Tokenizer, settings: RankerSettings | None, embedder: Embedder | None
    ) -> Retriever:
        self = cls(tokenizer, settings)
        s = self.settings
        self.docs = list(docs)
        self.doc_ids = [d.id for d in self.docs]
        for doc in self.docs:
            for keyword in doc.keywords:
                tokenizer.add_word(keyword)
        corpus = _tokenize(self.docs, tokenizer, self.words, self.grams)
        n_docs, n_words, n_grams = len(self.docs), len(self.words), len(self.grams)
        answer_counts = count_matrix(corpus.answer_words, n_words)
        answer_grams = corpus.answer_grams.counts(n_grams)
        self.carry = _carry_rates(corpus, answer_grams, s.carry_prior)
        specs = [
            ("answer_words", s.answer_words, answer_counts, True, False),
            ("answer_ngrams", s.answer_ngrams, answer_grams, False, True),
            ("answer_lead", s.answer_lead, corpus.lead_grams.counts(n_grams), False, True),
            ("keywords", s.keywords, count_matrix(corpus.keywords, n_words), True, False),
        ]
        for name, weight, counts, is_words, carry in specs:
            if weight > 0 and counts.nnz:
                self.fields.append(_Field(name, weight, BM25Field(counts, k1=s.k1, b=s.b), is_words, carry))
        if embedder is not None and s.embedding > 0 and self.docs:
            self.embedder = embedder
            self.vectors = embedder.passages([d.answer or d.question for d in self.docs])
        probes = self._pick_probes(corpus)
        skipped = set(probes)
        scoring = answer_counts
        if s.position_decay > 0:
            scoring = _position_weighted(corpus.answer_words, n_words, s.position_decay)
        self.translation = self._train_translation(corpus, answer_counts, scoring, skipped)
        if probes:
            self.question_scale = self._tune_question_scale(corpus, n_docs, n_words, n_grams, probes)
            held_out_pairs = sum(1 for q in corpus.questions if q.text in skipped)
            if held_out_pairs > s.retrain_share * len(corpus.questions):  # a small KB misses them: retrain
                self.translation = self._train_translation(corpus, answer_counts, scoring, set())
        self.fields.extend(_question_fields(corpus, n_docs, n_words, n_grams, s, self.question_scale, set()))
        return self

    def _train_translation(
        self, corpus: _Corpus, answer_counts: sp.csr_matrix, scoring: sp.csr_matrix, skip: set[str]
    ) -> TranslationModel | None:
        """The translation model learned from the (question, answer) pairs, leaving out ``skip``.

        It learns from the whole answers (``answer_counts``) and scores against ``scoring``, the
        position-weighted counts that make an answer's opening count most.
        """
        s = self.settings
        pairs = [q for q in corpus.questions if q.words and q.text not in skip]
        if s.translation <= 0 or not pairs:
            return None
        n_words = answer_counts.shape[1]
        questions = [q.words for q in pairs]
        question_totals = np.bincount(np.fromiter((t for q in questions for t in q), dtype=np.int64), minlength=n_words)
        totals = question_totals.astype(np.float64) + np.asarray(answer_counts.sum(axis=0)).ravel()
        background = ((totals + 0.5) / (totals.sum() + 0.5 * n_words)).astype(np.float32)
        return TranslationModel(
            answer_counts, [q.entry for q in pairs], questions, background, s.translation_model, scoring=scoring
        )

    def _pick_probes(self, corpus: _Corpus) -> list[str]:
        """Up to ``tuning_probes`` distinct stored question texts (at most a quarter), spread evenly."""
        s = self.settings
        texts = sorted({q.text for q in corpus.questions if q.words})
        count = min(s.tuning_probes, len(texts) // 4)  # three quarters stay to be found by
        if count < s.min_tuning_probes or len(s.question_scales) < 2:
            return []
        step = len(texts) / count
        return [texts[int(i * step)] for i in range(count)]

    def _tune_question_scale(
        self, corpus: _Corpus, n_docs: int, n_words: int, n_grams: int, probes: list[str]
    ) -> float:
        """The question-field scale under which held-out stored questions best find their own entries.

        The ``probes`` are left out of the question fields and of the translation model; each is
        searched for, and the entries that carried it count as right (MRR@10). Ties go to the
        larger scale.
        """
        s = self.settings
        owners: dict[str, set[int]] = {}
        tokens: dict[str, _Ids] = {}
        for q in corpus.questions:
            owners.setdefault(q.text, set()).add(q.entry)
            tokens[q.text] = _Ids(q.words, q.grams)
        held_out = _question_fields(corpus, n_docs, n_words, n_grams, s, 1.0, set(probes))
        answer_side: list[FloatArray] = []
        question_side: list[FloatArray] = []
        for text in probes:
            answer_side.append(self._weighted_sum(self._components(tokens[text], self.fields)))
            question_side.append(self._weighted_sum(self._components(tokens[text], held_out, translation=False)))
        results: dict[float, float] = {}
        for scale in s.question_scales:
            total = 0.0
            for text, a_scores, q_scores in zip(probes, answer_side, question_side, strict=True):
                scores = a_scores + scale * q_scores
                best_right = max(float(scores[i]) for i in owners[text])
                rank = int(np.count_nonzero(scores > best_right)) + 1
                total += 1.0 / rank if rank <= 10 else 0.0
            results[scale] = total / len(probes)
        self.tuning = results
        return max(results, key=lambda scale: (round(results[scale], 6), scale))

    def __len__(self) -> int:
        return len(self.doc_ids)

    def _components(
        self, ids: _Ids, fields: Sequence[_Field], translation: bool = True
    ) -> dict[str, tuple[float, FloatArray]]:
        """``name → (weight, raw scores)`` of ``fields`` (and the translation models)."""
        out: dict[str, tuple[float, FloatArray]] = {}
        for f in fields:
            if f.words:
                out[f.name] = (f.weight, f.index.score(ids.words))
            else:
                out[f.name] = (f.weight, f.index.score(ids.grams, self.carry if f.carry else None))
        if translation and self.translation is not None:
            out["translation"] = (self.settings.translation, self.translation.score(ids.words))
        if translation and self.vectors is not None and ids.vector is not None:
            out["embedding"] = (self.settings.embedding, self.vectors @ ids.vector)
        return out

    def _weighted_sum(self, components: dict[str, tuple[float, FloatArray]]) -> FloatArray:
        total = np.zeros(len(self.doc_ids), dtype=np.float32)
        for weight, scores in components.values():
            total += weight * _standardise(scores, self.settings.norm_depth)
        return total

    def _query_ids(self, query: str) -> _Ids:
        analysis = self.tokenizer.analysis(query)
        vector = self.embedder.query(query) if self.embedder is not None and self.vectors is not None else None
        return _Ids(self.words.lookup(analysis.words), self.grams.lookup(analysis), vector)

    def components(self, query: str) -> dict[str, FloatArray]:
        """Raw score vector of every component (for tuning and diagnostics)."""
        components = self._components(self._query_ids(query), self.fields)
        return {name: scores for name, (_, scores) in components.items()}

    def weights(self) -> dict[str, float]:
        """The fusion weight of every active component (question fields after tuning)."""
        out = {f.name: f.weight for f in self.fields}
        if self.translation is not None:
            out["translation"] = self.settings.translation
        if self.vectors is not None:
            out["embedding"] = self.settings.embedding
        return out

    def fused(self, query: str) -> FloatArray:
        """Fused score of every entry: weighted mean of the standardised component scores."""
        total = self._weighted_sum(self._components(self._query_ids(query), self.fields))
        weight_sum = sum(self.weights().values())
        return total / weight_sum if weight_sum > 0 else total

    def confidence(self, top: float, second: float) -> float:
        """Calibrated probability that the entry scored ``top`` is right, given the runner-up."""
        s = self.settings
        if self.vectors is not None:
            return _sigmoid(s.dense_conf_scale * top + s.dense_conf_margin * (top - second) + s.dense_conf_bias)
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
            runner_up = values[1] if len(values) > 1 else 0.0
            other = values[0] if rank > 0 else runner_up
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
