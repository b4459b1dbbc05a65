"""What the ranker learns from the knowledge base itself: n-gram carry rates, the answer's
opening, and how much the stored questions count."""

import numpy as np
import pytest

from kefu.bot.bm25 import BM25Field, count_matrix
from kefu.bot.retrieval import KBDoc, RankerSettings, Retriever, _position_weighted, lead_sentence
from kefu.bot.tokenizer import Tokenizer

TOPICS = [
    ("密码", "忘记密码", "密码可以在登录页点击忘记密码，用手机验证码重置。"),
    ("退款", "申请退款", "退款在订单详情页申请，审核后三个工作日原路退回。"),
    ("发票", "开具发票", "发票在订单页面申请，电子发票发送到邮箱。"),
    ("快递", "查询快递", "快递单号在订单详情里，点击即可查看物流轨迹。"),
    ("会员", "开通会员", "会员在个人中心开通，支持月付和年付。"),
    ("积分", "兑换积分", "积分在积分商城兑换礼品，每年年底清零。"),
    ("地址", "修改地址", "收货地址在发货前可以在订单页修改。"),
    ("手机", "更换手机号", "手机号在账号安全页更换，需要验证旧手机。"),
    ("注销", "注销账号", "注销账号请在设置里提交申请，七天后生效。"),
    ("保修", "保修政策", "保修期为一年，凭购买凭证到售后网点维修。"),
    ("维修", "维修进度", "维修进度可以在售后服务页用工单号查询。"),
    ("优惠券", "使用优惠券", "优惠券在结算页选择使用，过期不能延长。"),
]
PHRASINGS = ["怎么{t}", "{t}怎么办", "我想{t}", "请问如何{t}"]


def _faq() -> list[KBDoc]:
    """A company FAQ: each entry's similar questions are paraphrases of its own topic."""
    return [KBDoc(key, f"如何{verb}", [p.format(t=verb) for p in PHRASINGS], answer) for key, verb, answer in TOPICS]


ASPECTS = {
    "退款": [
        ("退款多久到账", "款项原路退回，一般三个工作日到账。"),
        ("怎么申请退款", "在订单详情页点击申请，填写原因后提交。"),
        ("退款失败怎么办", "失败多因银行卡已注销，请联系客服改为余额。"),
    ],
    "发票": [
        ("发票多久开出来", "电子版一个工作日内开出并发到邮箱。"),
        ("怎么申请发票", "在订单页点击申请开票，填写抬头和税号。"),
        ("发票抬头写错了", "抬头有误可以作废后重开，纸质版需寄回。"),
    ],
    "快递": [
        ("快递多久能到", "江浙沪次日达，其他地区二到三天送达。"),
        ("怎么查询快递", "在订单详情里点击物流即可看到轨迹。"),
        ("快递丢了怎么办", "丢件由我们先行赔付，请提供订单号。"),
    ],
    "会员": [
        ("会员多久生效", "付款后立即生效，可在个人中心查看有效期。"),
        ("怎么开通会员", "在个人中心选择月付或年付后付款即可。"),
        ("会员能退吗", "开通七天内未使用特权可以全额退还。"),
    ],
}


def _one_question_per_answer() -> list[KBDoc]:
    """Several answers per topic, each with one customer's question (as in a mined Q&A archive):
    a held-out question's topic words lead to the other answers' questions, its details to its own answer."""
    return [
        KBDoc(f"{product}{topic}{i}", f"{product}{question}", [], f"{product}：{answer}")
        for product in ("手机", "电脑", "耳机", "手表")
        for topic, items in ASPECTS.items()
        for i, (question, answer) in enumerate(items)
    ]


def test_lead_sentence():
    assert lead_sentence("  先说结论。再说细节！") == "先说结论。"
    assert lead_sentence("First things first. Then the rest.") == "First things first."
    assert lead_sentence("没有句号的回答") == "没有句号的回答"
    assert lead_sentence("   ") == ""
    assert len(lead_sentence("长" * 500)) == 200


def test_position_weighted_counts_early_tokens_more():
    m = _position_weighted([[0, 1, 0], [], [2]], 3, decay=1.0).toarray()
    assert m[0, 0] == pytest.approx(1.0 + np.exp(-2.0))
    assert m[0, 1] == pytest.approx(np.exp(-1.0))
    assert m[1].sum() == 0.0
    assert m[2, 2] == pytest.approx(1.0)


def test_bm25_term_weights_scale_contributions():
    field = BM25Field(count_matrix([[0], [1], [0, 1]], 2))
    plain = field.score([0, 1])
    weighted = field.score([0, 1], np.array([1.0, 0.0], dtype=np.float32))
    assert weighted[1] == 0.0
    assert weighted[0] == pytest.approx(plain[0])


def test_question_words_that_never_reach_the_answer_weigh_less():
    r = Retriever.build(_faq(), Tokenizer())
    carry = r.carry
    # "如何" opens every stored question but no answer; "退款" is asked and answered.
    how = r.grams.id_of("如何")
    refund = r.grams.id_of("退款")
    assert how is not None
    assert refund is not None
    assert carry[how] < 1.0 < carry[refund]


def test_paraphrase_questions_keep_their_weight():
    r = Retriever.build(_faq(), Tokenizer())
    assert r.question_scale >= 0.5
    assert set(r.tuning) == set(RankerSettings().question_scales)
    assert "similar_ngrams" in r.weights()
    assert r.search("积分咋兑换")[0].doc_id == "积分"


def test_misleading_questions_are_turned_down():
    r = Retriever.build(_one_question_per_answer(), Tokenizer())
    assert r.tuning[0.0] > r.tuning[1.0]
    assert r.question_scale < 1.0
    assert r.search("耳机快递丢件了")[0].doc_id == "耳机快递2"


def test_too_few_questions_keep_the_default_scale():
    docs = [KBDoc("a", "如何退款", [], "退款在订单页申请。"), KBDoc("b", "", [], "发票在订单页申请。")]
    r = Retriever.build(docs, Tokenizer())
    assert r.question_scale == 1.0
    assert r.tuning == {}
