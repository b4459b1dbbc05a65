"""The numpy n-gram vocabulary numbers exactly the tokens ``Analysis.ngrams`` writes."""

from __future__ import annotations

from collections import Counter

import pytest

from kefu.bot.ngrams import GramVocabulary
from kefu.bot.tokenizer import Tokenizer

TEXTS = [
    "忘记密码了怎么找回？",
    "退款多久能到账。请联系客服",
    "How do I reset my password? 密码",
    "的了吗",  # only stopwords: no n-grams at all
    "",
    "iPhone 15 屏幕碎了，保修吗",
]


@pytest.fixture(scope="module")
def tok() -> Tokenizer:
    return Tokenizer()


def test_ids_count_the_same_tokens_as_the_string_ngrams(tok):
    analyses = [tok.analysis(t) for t in TEXTS]
    vocab = GramVocabulary()
    (ragged,) = vocab.fit([analyses])
    assert len(ragged) == len(TEXTS)
    all_grams = {g for a in analyses for g in a.ngrams()}
    assert len(vocab) == len(all_grams)
    for number, analysis in enumerate(analyses):
        expected = Counter(vocab.id_of(g) for g in analysis.ngrams())
        assert Counter(ragged.row(number)) == expected
    assert ragged.row(3) == []
    assert ragged.row(4) == []


def test_lookup_keeps_known_grams_and_drops_unknown_ones(tok):
    vocab = GramVocabulary()
    vocab.fit([[tok.analysis("退款到账时间"), tok.analysis("reset password")]])
    ids = vocab.lookup(tok.analysis("退款 password 发票"))
    known = [vocab.id_of(g) for g in ["退", "款", "退款", "password"]]
    assert sorted(ids) == sorted(known)  # 发/票/发票 were never seen
    assert vocab.id_of("发票") is None
    assert GramVocabulary().lookup(tok.analysis("退款")) == []
    assert vocab.lookup(tok.analysis("")) == []
    assert vocab.lookup(tok.analysis("password")) == [vocab.id_of("password")]  # Latin words only


def test_batches_share_one_numbering(tok):
    vocab = GramVocabulary()
    first, second = vocab.fit([[tok.analysis("退款")], [tok.analysis("退款申请")]])
    assert set(first.row(0)) < set(second.row(0))
    counts = second.counts(len(vocab))
    assert counts.shape == (1, len(vocab))
    assert counts.sum() == len(tok.analysis("退款申请").ngrams())
