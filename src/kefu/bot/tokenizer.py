"""Tokenisation for the bot: Chinese words (rjieba), English stems, character n-grams.

A :class:`Tokenizer` carries a company user dictionary (product names etc. that must
stay one token) and synonym groups mapped to a canonical form (密码/口令 → 密码).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

import rjieba
import snowballstemmer  # type: ignore[import-untyped]

from kefu.bot.normalize import normalize

_ZH_STOPWORDS_TEXT = """
    的 地 得 了 着 过 吗 呢 吧 啊 呀 哦 嗯 哈 么 嘛 啦 喔 哎 唉 之 其 与 及 和 跟
    同 或 而 并 且 是 在 有 也 都 就 还 又 被 把 给 对 向 从 自 以 于 为 由 让 使
    我 你 您 他 她 它 我们 你们 您们 他们 她们 它们 咱们 自己 这 那 这个 那个 这些 那些
    这样 那样 这里 那里 个 些 一下 一些 一个 1个 请 请问 问 问一下 想 想要 要 能 能否
    可以 可否 会 应该 需要 吗? 呢? 啥 一 个人 时候 然后 因为 所以 但是 但 如果 就是 还是
    已经 正在 非常 很 太 更 最 比较 什么样
"""
ZH_STOPWORDS = frozenset(_ZH_STOPWORDS_TEXT.split())
_EN_STOPWORDS_TEXT = """
    a an the and or but if then else of to in on at by for with from as into about over is are was were
    be been being am do does did doing have has had having i me my we our you your he him his she her it
    its they them their this that these those there here what which who whom whose when where why how
    can could would should will shall may might must not no nor so than too very just also only any some
    such each own same other s t please hi hello thanks thank
"""
EN_STOPWORDS = frozenset(_EN_STOPWORDS_TEXT.split())
# Characters too common to be useful as unigrams in the character n-gram field.
ZH_STOPCHARS = frozenset("的了着吗呢吧啊呀哦么嘛啦之其与及和或而并且是在也都就还又被把给对于为我你您他她它这那个")

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORDLIKE = re.compile(r"\w")
_RUN_BREAK = "\x00"  # the run piece of a token that ends a Chinese run (a NUL in a text breaks runs too)


class Analysis(NamedTuple):
    """A text's tokens: what the word and the n-gram fields are made of."""

    words: list[str]  # Chinese words and stemmed English words, stopwords removed
    runs: list[str]  # Chinese stretches between punctuation (synonyms canonical, stopwords kept)
    latin: list[str]  # the English words, which are n-gram tokens too

    def ngrams(self) -> list[str]:
        """Character unigrams (common particles left out) and bigrams of the runs, plus the Latin words."""
        grams = [ch for ch in "".join(self.runs) if ch not in ZH_STOPCHARS]
        grams += [run[i : i + 2] for run in self.runs for i in range(len(run) - 1)]
        grams += self.latin
        return grams


class _TokenInfo(NamedTuple):
    """What one segmented token contributes to the analysis."""

    word: str | None  # the word token (None: stopword or punctuation)
    run: str  # its piece of a Chinese content run ("" adds nothing, _RUN_BREAK ends the run)
    latin: str | None  # its Latin n-gram token


_LATIN = re.compile(r"[a-z0-9]")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """English Snowball stem of a lower-case word (digits and CJK pass through)."""
    if not word.isascii() or not word.isalpha():
        return word
    return str(_STEMMER.stemWord(word))


_STEMMER = snowballstemmer.stemmer("english")


class Tokenizer:
    """Normalise, segment and canonicalise text into word tokens and character n-grams."""

    def __init__(
        self,
        user_words: Iterable[str] = (),
        synonyms: Iterable[Sequence[str]] = (),
        *,
        zh_stopwords: Iterable[str] = ZH_STOPWORDS,
        en_stopwords: Iterable[str] = EN_STOPWORDS,
        stemming: bool = True,
        search_mode: bool = False,
    ) -> None:
        self._jieba = rjieba.Jieba()
        self._stop = frozenset(normalize(w) for w in zh_stopwords) | frozenset(en_stopwords)
        self._stemming = stemming
        self._search_mode = search_mode
        self._canonical: dict[str, str] = {}
        self._token_info: dict[str, _TokenInfo] = {}
        for word in user_words:
            self.add_word(word)
        for group in synonyms:
            self.add_synonyms(group)

    # -- dictionary -------------------------------------------------------------------------------
    def add_word(self, word: str) -> None:
        """Make ``word`` (e.g. a product name) segment as one token."""
        word = normalize(word, strip_punct=True).replace(" ", "")
        if word:
            self._jieba.add_word(word, None, None)
            self._token_info.clear()

    def add_synonyms(self, group: Sequence[str]) -> None:
        """Map every word of ``group`` to its first element, the canonical form."""
        forms = [normalize(w, strip_punct=True).replace(" ", "") for w in group]
        forms = [f for f in forms if f]
        if len(forms) < 2:
            return
        canonical = forms[0]
        for form in forms:
            self.add_word(form)
            self._canonical[form] = canonical
        self._token_info.clear()

    def canonical(self, word: str) -> str:
        """The canonical synonym of ``word`` (itself when it has none)."""
        return self._canonical.get(word, word)

    # -- tokenisation -----------------------------------------------------------------------------
    def words(self, text: str) -> list[str]:
        """Word tokens: segmented Chinese words and stemmed English words, stopwords removed."""
        return self.analyze(text)[0]

    def ngrams(self, text: str) -> list[str]:
        """Character uni- and bi-grams of Chinese content runs plus stemmed English words.

        Runs are the Chinese stretches between punctuation, with synonyms mapped to their
        canonical form, so 口令 and 密码 share n-grams; a text of only stopwords yields none.
        """
        return self.analyze(text)[1]

    def _classify(self, token: str) -> _TokenInfo:
        """What a segmented token contributes: its word, its part of a Chinese run, its Latin word."""
        word = self._canonical.get(token, token)
        if not _WORDLIKE.match(token):
            info = _TokenInfo(None, _RUN_BREAK, None)
        elif _CJK.match(word):
            info = _TokenInfo(None if word in self._stop else word, word, None)
        elif token in self._stop:
            info = _TokenInfo(None, "", None)  # a Latin stopword neither counts nor breaks a run
        elif token not in self._canonical and word.isascii():
            stemmed = stem(word) if self._stemming else word
            info = _TokenInfo(stemmed, _RUN_BREAK, stemmed)
        else:
            info = _TokenInfo(word, _RUN_BREAK, None)
        if len(self._token_info) < 500_000:
            self._token_info[token] = info
        return info

    def _parts(self, text: str) -> list[_TokenInfo]:
        """The classified tokens of ``text`` after one normalisation and one segmentation."""
        cut = self._jieba.cut_for_search if self._search_mode else self._jieba.cut
        known = self._token_info.get
        classify = self._classify
        return [known(token) or classify(token) for token in cut(normalize(text), True)]

    @staticmethod
    def _assemble(parts: list[_TokenInfo]) -> Analysis:
        """The analysis made of classified tokens."""
        words = [p.word for p in parts if p.word is not None]
        if not words:  # nothing but stopwords and punctuation: no evidence at all
            return Analysis(words, [], [])
        runs = [run for run in "".join([p.run for p in parts]).split(_RUN_BREAK) if run]
        return Analysis(words, runs, [p.latin for p in parts if p.latin is not None])

    def analysis(self, text: str) -> Analysis:
        """Words, Chinese runs and Latin words of ``text`` from one normalisation and one segmentation."""
        return self._assemble(self._parts(text))

    def analyze(self, text: str) -> tuple[list[str], list[str]]:
        """``(words, ngrams)`` of ``text``."""
        result = self.analysis(text)
        return result.words, result.ngrams()

    def analysis_split(self, head: str, tail: str) -> tuple[Analysis, Analysis]:
        """The analyses of ``head + tail`` and of ``head``, segmenting each part once.

        ``head`` must end at punctuation or whitespace, as a sentence does. The whole text's
        tokens are then the head's followed by the tail's (jieba may segment the words next to
        a "." slightly differently when it sees both sides).
        """
        head_parts = self._parts(head)
        whole = head_parts + self._parts(tail) if tail else head_parts
        return self._assemble(whole), self._assemble(head_parts)

    def has_latin(self, text: str) -> bool:
        """Whether ``text`` contains any Latin letter or digit."""
        return bool(_LATIN.search(normalize(text)))
