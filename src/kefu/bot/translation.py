"""Learned question-word → answer-word association (IBM model 1 translation language model).

From the knowledge base's own (question, answer) pairs we estimate ``t(w | a)``, the
probability that a customer writes word ``w`` when the answer contains word ``a``, with a few
EM iterations of IBM model 1 (answer words plus a NULL word generate the question words).
A query is then scored against an entry's answer text with the translation language model
of Xue, Jeon & Croft (2008)::

    p(w | A) = (1 - λ) · (β · Σ_a t(w | a) · p_ml(a | A) + (1 - β) · p_ml(w | A)) + λ · p(w | C)

summed in log space over the query words, shifted so that an entry with no evidence scores 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]

from kefu.bot.bm25 import FloatArray, IntArray, sum_columns


@dataclass(frozen=True, slots=True)
class TranslationSettings:
    """Hyper-parameters of the translation model."""

    iterations: int = 5
    smoothing: float = 1.0  # μ: t(w|a) = c(w, a) / (c(a) + μ), damps rare answer words
    top_k: int = 100  # translations kept per query word
    lam: float = 0.2  # λ: collection smoothing
    beta: float = 0.5  # β: weight of translation vs. exact match
    dirichlet: float = 0.0  # μ > 0: Dirichlet smoothing (length-aware) instead of λ mixing
    cache_words: int = 256  # per-word score vectors kept (frequent query words repeat)


def _ibm1_counts(
    answers: sp.csr_matrix, pair_docs: Sequence[int], pair_questions: Sequence[Sequence[int]], iterations: int
) -> sp.csr_matrix:
    """Expected alignment counts c(w, a) (question word × answer word) after EM."""
    n_terms = answers.shape[1]
    null = n_terms
    tgt_parts: list[IntArray] = []
    src_parts: list[IntArray] = []
    cnt_parts: list[FloatArray] = []
    grp_parts: list[IntArray] = []
    group = 0
    indptr, indices, data = answers.indptr, answers.indices, answers.data
    for doc, question in zip(pair_docs, pair_questions, strict=True):
        if not question:
            continue
        src = np.append(indices[indptr[doc] : indptr[doc + 1]], null).astype(np.int64)
        cnt = np.append(data[indptr[doc] : indptr[doc + 1]], 1.0).astype(np.float32)
        m, n = len(question), len(src)
        tgt_parts.append(np.repeat(np.asarray(question, dtype=np.int64), n))
        src_parts.append(np.tile(src, m))
        cnt_parts.append(np.tile(cnt, m))
        grp_parts.append(np.repeat(np.arange(group, group + m, dtype=np.int64), n))
        group += m
    if not tgt_parts:
        return sp.csr_matrix((n_terms, n_terms), dtype=np.float32)
    tgt = np.concatenate(tgt_parts)
    src = np.concatenate(src_parts)
    cnt = np.concatenate(cnt_parts).astype(np.float64)
    grp = np.concatenate(grp_parts)
    keys, pair_id = np.unique(tgt * (n_terms + 1) + src, return_inverse=True)
    key_tgt, key_src = keys // (n_terms + 1), keys % (n_terms + 1)
    table: npt.NDArray[np.float64] = np.ones(len(keys), dtype=np.float64)
    counts: npt.NDArray[np.float64] = np.zeros(len(keys), dtype=np.float64)
    for _ in range(max(iterations, 1)):
        weight = table[pair_id] * cnt
        posterior = weight / np.bincount(grp, weight, minlength=group)[grp]
        counts = np.bincount(pair_id, posterior, minlength=len(keys)).astype(np.float64)
        table = counts / np.bincount(key_src, counts, minlength=n_terms + 1)[key_src]
    keep = key_src != null
    return sp.csr_matrix((counts[keep].astype(np.float32), (key_tgt[keep], key_src[keep])), shape=(n_terms, n_terms))


class TranslationModel:
    """Scores queries against answer texts through learned word translations."""

    def __init__(
        self,
        answers: sp.csr_matrix,
        pair_docs: Sequence[int],
        pair_questions: Sequence[Sequence[int]],
        background: FloatArray,
        settings: TranslationSettings | None = None,
        scoring: sp.csr_matrix | None = None,
    ) -> None:
        """Train on pairs (``answers`` row ``pair_docs[i]``, question ids ``pair_questions[i]``).

        ``answers`` is the entry × word count matrix of the answer texts; ``background`` the
        collection probability of every word id. ``scoring`` (same shape, default ``answers``)
        is the term-weight matrix queries are scored against, such as position-weighted counts.
        """
        self.settings = s = settings or TranslationSettings()
        answers = answers.tocsr().astype(np.float32)
        n_docs, n_terms = answers.shape
        self.n_docs, self.n_terms = n_docs, n_terms
        counts = _ibm1_counts(answers, pair_docs, pair_questions, s.iterations).tocoo()
        per_answer_word = np.bincount(counts.col, counts.data, minlength=n_terms)
        value = counts.data / (per_answer_word[counts.col] + s.smoothing)
        mass = counts.data  # rank translations by c(w, a): the joint mass
        order = np.lexsort((-mass, counts.row))
        rows, cols, vals = counts.row[order], counts.col[order], value[order]
        row_start = np.searchsorted(rows, rows, side="left")
        keep = (np.arange(len(rows)) - row_start) < s.top_k
        table = sp.csr_matrix((vals[keep].astype(np.float32), (rows[keep], cols[keep])), shape=(n_terms, n_terms))
        self._t_indptr: IntArray = table.indptr.astype(np.int64)
        self._t_indices: IntArray = table.indices.astype(np.int64)
        self._t_data: FloatArray = table.data.astype(np.float32)
        target = answers if scoring is None else scoring.tocsr().astype(np.float32)
        doc_len = np.asarray(target.sum(axis=1)).ravel()
        probs = (sp.diags((1.0 / np.maximum(doc_len, 1e-6)).astype(np.float32)) @ target).tocsc()
        self._p_indptr: IntArray = probs.indptr.astype(np.int64)
        self._p_indices: IntArray = probs.indices.astype(np.int64)
        self._p_data: FloatArray = probs.data.astype(np.float32)
        self._background = background.astype(np.float32)
        self._doc_len = doc_len.astype(np.float32)
        self._cache: dict[int, FloatArray] = {}
        self.n_pairs = len(pair_docs)

    def translations(self, word_id: int) -> tuple[IntArray, FloatArray]:
        """Answer-word ids and t(w | a) values kept for query word ``word_id``."""
        if word_id >= self.n_terms:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        start, end = self._t_indptr[word_id], self._t_indptr[word_id + 1]
        return self._t_indices[start:end], self._t_data[start:end]

    def score(self, word_ids: Sequence[int]) -> FloatArray:
        """Log-likelihood gain of the query words under every answer's translation model."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        for word in word_ids:
            if 0 <= word < self.n_terms:
                out += self._word_score(word)
        return out

    def _word_score(self, word: int) -> FloatArray:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        s = self.settings
        cols, vals = self.translations(word)
        evidence = np.zeros(self.n_docs, dtype=np.float32)
        if len(cols):
            sum_columns(self._p_indptr, self._p_indices, self._p_data, cols, s.beta * vals, evidence)
        exact = np.array([word], dtype=np.int64)
        weight = np.array([1.0 - s.beta], dtype=np.float32)
        sum_columns(self._p_indptr, self._p_indices, self._p_data, exact, weight, evidence)
        background = max(float(self._background[word]), 1e-9)
        if s.dirichlet > 0:
            lengths = self._doc_len
            result = np.log((lengths * evidence / background + s.dirichlet) / (lengths + s.dirichlet))
        else:
            result = np.log1p((1.0 - s.lam) * evidence / (s.lam * background))
        result = result.astype(np.float32)
        if len(self._cache) >= s.cache_words:
            self._cache.pop(next(iter(self._cache)))  # drop the oldest entry
        self._cache[word] = result
        return result
