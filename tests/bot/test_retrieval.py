import pytest

from kefu.bot.policy import BotSettings
from kefu.bot.retrieval import KBDoc, RankerSettings, Retriever
from kefu.bot.tokenizer import Tokenizer

KB = [
    KBDoc(
        "pwd",
        "如何修改登录密码",
        ["忘记密码怎么办", "密码怎么重置"],
        "在“账户设置-安全”页面点击“修改密码”，输入旧密码和新密码即可。忘记密码可以用手机验证码重置。",
        ["密码"],
    ),
    KBDoc(
        "refund",
        "怎么申请退款",
        ["退款多久到账", "订单能退款吗"],
        "在订单详情页点击“申请退款”，审核通过后3到5个工作日原路退回到付款账户。",
    ),
    KBDoc(
        "human",
        "如何联系人工客服",
        ["转人工", "我要找客服"],
        "在聊天窗口输入“人工”或点击“转人工”按钮，人工客服工作时间为每天9点到21点。",
    ),
    KBDoc(
        "price", "云盘专业版多少钱", ["专业版价格"], "云盘专业版每月30元，年付300元，可随时取消续费。", ["云盘专业版"]
    ),
    KBDoc(
        "invoice",
        "发票怎么开",
        ["开具增值税发票"],
        "在“订单-发票”页面申请电子发票，1个工作日内发送到您的邮箱。",
    ),
    KBDoc(
        "email",
        "How do I change my email address",
        ["update email"],
        "Go to Account Settings, open Profile and edit the email field, then confirm the link we send you.",
    ),
    KBDoc("ship", "配送需要多长时间", ["快递几天到"], "一般下单后48小时内发货，快递2到3天送达。"),
    KBDoc("answer-only", "", [], "会员积分可以在每年12月31日前兑换礼品，过期自动清零。"),
]


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    tok = Tokenizer(synonyms=[["密码", "口令"], ["退款", "退钱"], ["人工", "真人"]])
    return Retriever.build(KB, tok)


def top(retriever: Retriever, query: str) -> str:
    hits = retriever.search(query, k=3)
    assert hits, query
    return hits[0].doc_id


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("我的口令忘了，怎么重新设置", "pwd"),
        ("退钱要等几天", "refund"),
        ("我想找真人客服", "human"),
        ("专业版一年多少钱", "price"),
        ("怎么开增值税发票", "invoice"),
        ("快递多久能送到", "ship"),
        ("积分什么时候过期", "answer-only"),
    ],
)
def test_paraphrases(retriever, query, expected):
    assert top(retriever, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [("发漂怎么开", "invoice"), ("发票", "invoice"), ("退款", "refund"), ("转人工", "human"), ("密马忘了", "pwd")],
)
def test_misspelled_and_short_queries_match_by_ngrams(retriever, query, expected):
    assert top(retriever, query) == expected


def test_traditional_and_fullwidth_queries(retriever):
    assert top(retriever, "請問發票怎麼開") == "invoice"
    assert top(retriever, "ＰＡＳＳＷＯＲＤ 密碼") == "pwd"


def test_english_queries(retriever):
    assert top(retriever, "changing my e-mail") == "email"
    assert top(retriever, "How can I update my email?") == "email"


def test_stopword_only_query_has_no_hits(retriever):
    assert retriever.search("请问一下，你们的吗？") == []
    hits = retriever.search("the and of")
    assert not hits or hits[0].confidence < BotSettings().clarify_threshold  # the bot would decline


def test_disabled_words_are_ignored():
    tok = Tokenizer(zh_stopwords=["的", "怎么", "申请"])
    r = Retriever.build(KB, tok)
    assert r.search("怎么申请") == [] or r.search("怎么申请")[0].confidence < 0.5


def test_hits_are_sorted_with_confidence_in_range(retriever):
    hits = retriever.search("怎么申请退款", k=5)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(0.0 <= h.confidence <= 1.0 for h in hits)
    assert hits[0].confidence > hits[1].confidence
    assert hits[0].matched_question in {"怎么申请退款", "退款多久到账", "订单能退款吗"}


def test_clear_query_more_confident_than_unrelated(retriever):
    clear = retriever.search("怎么申请退款")
    unrelated = retriever.search("今天天气怎么样")
    assert not unrelated or clear[0].confidence > unrelated[0].confidence


def test_settings_disable_components():
    settings = RankerSettings(translation=0.0, answer_words=0.0, keywords=0.0)
    r = Retriever.build(KB, Tokenizer(), settings)
    assert r.translation is None
    assert "translation" not in r.weights()
    assert top(r, "发票怎么开") == "invoice"


def test_empty_kb():
    r = Retriever.build([], Tokenizer())
    assert r.search("退款") == []


def test_a_knowledge_base_of_one_entry_finds_it():
    r = Retriever.build([KBDoc("only", "退款多久到账", answer="退款一般 3 个工作日内原路退回。")], Tokenizer())
    (hit,) = r.search("退款要多久")
    assert hit.doc_id == "only"
    assert 0.0 < hit.confidence < 1.0
    assert r.search("发票") == []
