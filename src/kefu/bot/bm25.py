"""BM25 over one text field, stored as a column-major ``scipy.sparse`` weight matrix."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


class Vocabulary:
    """A growing token → id map shared by the fields of one tokenisation kind."""

    def __init__(self) -> None:
        self.ids: defaultdict[str, int] = defaultdict(itertools.count().__next__)

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, tokens: Sequence[str]) -> list[int]:
        """Ids of ``tokens``, adding unseen ones."""
        return list(map(self.ids.__getitem__, tokens))  # the default factory numbers new tokens

    def lookup(self, tokens: Sequence[str]) -> list[int]:
        """Ids of the known ``tokens`` (unknown ones are dropped)."""
        ids = self.ids
        return [ids[tok] for tok in tokens if tok in ids]


class Ragged(NamedTuple):
    """Token ids of many texts: text ``i`` has ``ids[indptr[i]:indptr[i + 1]]``."""

    indptr: IntArray
    ids: IntArray

    def __len__(self) -> int:
        return len(self.indptr) - 1

    @classmethod
    def of(cls, docs: Sequence[Sequence[int]]) -> Ragged:
        """From one id list per text."""
        lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
        indptr = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        ids = np.fromiter(itertools.chain.from_iterable(docs), dtype=np.int64, count=int(indptr[-1]))
        return cls(indptr, ids)

    def row(self, i: int) -> list[int]:
        """The ids of text ``i``."""
        return list(self.ids[self.indptr[i] : self.indptr[i + 1]].tolist())

    def counts(self, n_cols: int) -> sp.csr_matrix:
        """Text × token count matrix."""
        data = np.ones(len(self.ids), dtype=np.float32)
        # copies: summing duplicates sorts the matrix's index arrays in place
        mat = sp.csr_matrix((data, self.ids.copy(), self.indptr.copy()), shape=(len(self), n_cols))
        mat.sum_duplicates()
        return mat


def count_matrix(docs: Sequence[Sequence[int]], n_cols: int) -> sp.csr_matrix:
    """Document × token count matrix from token-id lists."""
    return Ragged.of(docs).counts(n_cols)


def sum_columns(
    indptr: IntArray,
    indices: IntArray,
    data: FloatArray,
    cols: IntArray,
    col_weights: FloatArray,
    out: FloatArray,
) -> FloatArray:
    """``out += M[:, cols] @ col_weights`` for a CSC matrix given by its three arrays."""
    starts, ends = indptr[cols], indptr[cols + 1]
    sizes = ends - starts
    total = int(sizes.sum())
    if not total:
        return out
    offsets = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(total)
    weights = data[offsets] * np.repeat(col_weights, sizes)
    out += np.bincount(indices[offsets], weights=weights, minlength=len(out)).astype(np.float32)
    return out


class BM25Field:
    """Okapi BM25 weights of one field; ``score`` sums the query's columns."""

    def __init__(self, counts: sp.csr_matrix, k1: float = 1.2, b: float = 0.75) -> None:
        counts = counts.tocsr().astype(np.float32)
        n_docs, n_terms = counts.shape
        doc_len = np.asarray(counts.sum(axis=1)).ravel()
        present = doc_len > 0
        avg_len = float(doc_len[present].mean()) if present.any() else 1.0
        df = np.bincount(counts.indices, minlength=n_terms).astype(np.float32)
        n_present = float(present.sum())
        self.idf: FloatArray = np.log1p((n_present - df + 0.5) / (df + 0.5)).astype(np.float32)
        row_len = np.repeat(doc_len, np.diff(counts.indptr))
        tf = counts.data
        counts.data = (self.idf[counts.indices] * tf * (k1 + 1) / (tf + k1 * (1 - b + b * row_len / avg_len))).astype(
            np.float32
        )
        weights = counts.tocsc()
        self.n_docs = n_docs
        self.n_terms = n_terms
        self._indptr: IntArray = weights.indptr.astype(np.int64)
        self._indices: IntArray = weights.indices.astype(np.int64)
        self._data: FloatArray = weights.data.astype(np.float32)

    def score(self, term_ids: Sequence[int], term_weights: FloatArray | None = None) -> FloatArray:
        """BM25 score of every document for a query given as term ids (repeats count).

        ``term_weights`` (indexed by term id) scales each query term's contribution.
        """
        out = np.zeros(self.n_docs, dtype=np.float32)
        if not term_ids:
            return out
        terms, qtf = np.unique(np.asarray(term_ids, dtype=np.int64), return_counts=True)
        terms_ok = terms < self.n_terms
        terms, qtf = terms[terms_ok], qtf[terms_ok].astype(np.float32)
        if term_weights is not None:
            qtf *= term_weights[terms]
        return sum_columns(self._indptr, self._indices, self._data, terms, qtf, out)
