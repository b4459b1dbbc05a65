"""Money trouble and urgency in the customer's words, with the how-to questions that are neither."""

from __future__ import annotations

import pytest

from kefu.bot.concerns import concerns_of, entry_is_about_money, is_about_money

MONEY_TROUBLE = [
    "充值失败了，钱扣了",
    "我充值了钱扣了但是余额没到账",
    "钱包地址填错了",
    "扣了两次钱",
    "被重复扣费了",
    "转账转错人了",
    "提现一直不到账",
    "退款申请被拒绝了",
    "余额不见了",
    "付款成功了但是显示未支付",
    "充了100元钻石没到",
    "钱扣了订单还是待付款",
    "自动续费莫名其妙扣了钱",
    "退款还没到账",
    "退款说成功了但钱没回来",
    "payment failed but I was charged",
    "I was charged twice",
    "my refund never arrived",
    "top-up not credited",
    "money missing from my wallet",
    "withdrawal stuck for three days",
]
NOT_MONEY_TROUBLE = [
    "怎么充值",
    "充值后多久到账",
    "支持哪些支付方式",
    "会员多少钱",
    "退款多久到账",
    "余额能提现吗",
    "怎么申请退款",
    "地址填错了",
    "密码错了登不上",
    "装备不见了",
    "被扣分了",
    "how do I top up",
    "what payment methods do you accept",
    "wrong password",
    "天气怎么样",
]
URGENT = [
    "急！钱没到",
    "账号被盗了",
    "马上帮我处理",
    "紧急：账号被冻结",
    "赶紧退款",
    "URGENT refund",
    "my account was hacked",
]
NOT_URGENT = ["不急，慢慢来", "不着急，有空看看", "怎么充值", "退款多久到账", "how do I top up", "别急我先看看"]


@pytest.mark.parametrize("text", MONEY_TROUBLE)
def test_money_trouble_is_recognised(text: str) -> None:
    concerns = concerns_of(text)
    assert concerns.money
    assert concerns.money_trouble


@pytest.mark.parametrize("text", NOT_MONEY_TROUBLE)
def test_how_to_questions_and_other_troubles_are_not_money_trouble(text: str) -> None:
    assert not concerns_of(text).money_trouble


@pytest.mark.parametrize("text", URGENT)
def test_urgency_is_recognised(text: str) -> None:
    assert concerns_of(text).urgent


@pytest.mark.parametrize("text", NOT_URGENT)
def test_no_hurry_is_not_urgent(text: str) -> None:
    assert not concerns_of(text).urgent


def test_an_entry_is_about_money_by_its_questions_not_its_category() -> None:
    assert is_about_money("充值后多久到账")
    assert entry_is_about_money("充值后多久到账", ["充钱了要等多久"])
    assert not entry_is_about_money("下单后怎么修改收货地址", ["地址填错了", "改地址", "付款后能改地址吗"])
    assert entry_is_about_money("会员价格是多少", ["会员多少钱", "开会员要多少钱", "VIP价格"])  # half of them
