import pytest

from kefu.bot.tokenizer import Tokenizer, stem


@pytest.fixture(scope="module")
def tok() -> Tokenizer:
    return Tokenizer(
        user_words=["云盘专业版"],
        synonyms=[["密码", "口令"], ["退款", "退钱"], ["人工", "真人"]],
    )


def test_custom_word_is_one_token(tok):
    assert "云盘专业版" in tok.words("KEFU云盘专业版怎么续费")
    plain = Tokenizer()
    assert "云盘专业版" not in plain.words("KEFU云盘专业版怎么续费")


def test_add_word_at_run_time():
    tok = Tokenizer()
    assert "极光会员卡" not in tok.words("极光会员卡怎么激活")
    tok.add_word("极光会员卡")
    assert "极光会员卡" in tok.words("极光会员卡怎么激活")


def test_synonyms_map_to_canonical(tok):
    assert "密码" in tok.words("我的口令忘了")
    assert "退款" in tok.words("我要退钱")
    assert "人工" in tok.words("找真人")
    assert "口令" not in tok.words("我的口令忘了")
    assert "密码" in tok.ngrams("口令忘了")


def test_stopwords_removed(tok):
    words = tok.words("请问我的订单在哪里呢")
    assert not {"的", "呢", "请问"} & set(words)
    assert "订单" in words
    assert tok.words("the and of") == []


def test_english_stemming(tok):
    assert stem("policies") == stem("policy")
    assert tok.words("Changing my EMAIL addresses") == ["chang", "email", "address"]


def test_ngrams(tok):
    grams = tok.ngrams("发票怎么开")
    assert {"发票", "怎么", "票"} <= set(grams)
    assert tok.ngrams("") == []


def test_traditional_input(tok):
    assert tok.words("發票") == tok.words("发票")
