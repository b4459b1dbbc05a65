"""Ids of the character n-gram tokens, computed with numpy over many texts at once.

An n-gram token is a character of a Chinese run (common particles left out), two adjacent
characters of a run, or a Latin word (see :meth:`Analysis.ngrams`). Numbering tens of millions
of them through a Python dict was the slowest step of an index build; here each token becomes an
integer key computed from the characters' code points, and the vocabulary is the sorted array of
the keys seen when it was fitted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kefu.bot.bm25 import IntArray, Ragged
from kefu.bot.tokenizer import ZH_STOPCHARS, Analysis

_SHIFT = 21  # bits of a code point
_LATIN_BASE = 1 << 44  # Latin words get keys above every bigram key
_STOP_CODES = np.array(sorted(ord(ch) for ch in ZH_STOPCHARS), dtype=np.int64)


class GramVocabulary:
    """The n-gram tokens of a fitted corpus, numbered 0..n-1."""

    def __init__(self) -> None:
        self._keys: IntArray = np.zeros(0, dtype=np.int64)  # sorted; a token's id is its position
        self._latin: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def fit(self, batches: Sequence[Sequence[Analysis]]) -> list[Ragged]:
        """Number the n-grams of every batch of texts (replacing any earlier vocabulary)."""
        self._latin = {}
        keyed = [self._keys_of(batch, grow=True) for batch in batches]
        if keyed:
            all_keys = np.concatenate([keys for _, keys in keyed])
            self._keys, inverse = _number(all_keys)
        else:
            self._keys, inverse = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        out, start = [], 0
        for indptr, keys in keyed:
            out.append(Ragged(indptr, inverse[start : start + len(keys)].astype(np.int64)))
            start += len(keys)
        return out

    def lookup(self, analysis: Analysis) -> list[int]:
        """Ids of the n-grams of one text that the vocabulary knows (repeats kept)."""
        _, keys = self._keys_of([analysis], grow=False)
        if not len(keys) or not len(self._keys):
            return []
        positions = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        return [int(p) for p in positions[self._keys[positions] == keys]]

    def id_of(self, gram: str) -> int | None:
        """The id of one n-gram token as :meth:`Analysis.ngrams` writes it (None when unknown)."""
        if gram in self._latin:
            key = self._latin[gram]
        elif len(gram) == 1:
            key = ord(gram)
        elif len(gram) == 2:
            key = (ord(gram[0]) + 1) << _SHIFT | ord(gram[1])
        else:
            return None
        position = int(np.searchsorted(self._keys, key))
        return position if position < len(self._keys) and self._keys[position] == key else None

    def _keys_of(self, analyses: Sequence[Analysis], grow: bool) -> tuple[IntArray, IntArray]:
        """``(indptr, keys)``: the n-gram keys of every text, grouped by text."""
        n = len(analyses)
        texts = ["\x00".join(a.runs) for a in analyses]
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
        codes = np.frombuffer("\x00".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        owner = np.repeat(np.arange(n, dtype=np.int64), lengths + 1)[: len(codes)]
        single = (codes != 0) & ~np.isin(codes, _STOP_CODES)
        pair = np.zeros(len(codes), dtype=bool)
        pair[:-1] = (codes[:-1] != 0) & (codes[1:] != 0)
        bigrams = np.zeros(len(codes), dtype=np.int64)
        bigrams[:-1] = (codes[:-1] + 1) << _SHIFT | codes[1:]
        # position i contributes its unigram then the bigram it starts: the keys stay grouped by text
        keep = np.column_stack([single, pair]).ravel()
        run_keys = np.column_stack([codes, bigrams]).ravel()[keep]
        run_counts = np.bincount(np.repeat(owner, 2)[keep], minlength=n)
        latin_keys, latin_counts = self._latin_keys(analyses, grow)
        return _interleave(run_keys, run_counts, latin_keys, latin_counts)

    def _latin_keys(self, analyses: Sequence[Analysis], grow: bool) -> tuple[IntArray, IntArray]:
        """The Latin words' keys of every text, grouped by text, and their number per text."""
        keys: list[int] = []
        counts = np.zeros(len(analyses), dtype=np.int64)
        table = self._latin
        for i, a in enumerate(analyses):
            for word in a.latin:
                key = table.get(word)
                if key is None:
                    if not grow:
                        continue
                    key = table[word] = _LATIN_BASE + len(table)
                keys.append(key)
                counts[i] += 1
        return np.asarray(keys, dtype=np.int64), counts


def _number(keys: IntArray) -> tuple[IntArray, IntArray]:
    """``(sorted distinct keys, each key's position among them)``, like ``np.unique`` but cheaper.

    Unigram keys (code points) are numbered through a table indexed by code point; only the
    larger keys are sorted.
    """
    single = keys < (1 << _SHIFT)
    table = np.zeros(1 << _SHIFT, dtype=np.int64)
    table[keys[single]] = 1
    unigrams = np.flatnonzero(table)
    table[unigrams] = np.arange(len(unigrams))
    others = np.unique(keys[~single])
    ids = np.empty(len(keys), dtype=np.int64)
    ids[single] = table[keys[single]]
    ids[~single] = len(unigrams) + np.searchsorted(others, keys[~single])
    return np.concatenate([unigrams, others]), ids


def _interleave(
    first: IntArray, first_counts: IntArray, second: IntArray, second_counts: IntArray
) -> tuple[IntArray, IntArray]:
    """Merge two grouped key arrays into ``(indptr, keys)``: each text's first keys, then its second."""
    n = len(first_counts)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(first_counts + second_counts, out=indptr[1:])
    if not len(second):
        return indptr, first
    out = np.empty(int(indptr[-1]), dtype=np.int64)
    rows = np.arange(n, dtype=np.int64)
    first_starts = np.repeat(indptr[:-1] - (np.cumsum(first_counts) - first_counts), first_counts)
    out[np.arange(len(first)) + first_starts] = first
    second_rows = np.repeat(rows, second_counts)
    second_offsets = np.arange(len(second)) - np.repeat(np.cumsum(second_counts) - second_counts, second_counts)
    out[indptr[second_rows] + first_counts[second_rows] + second_offsets] = second
    return indptr, out
