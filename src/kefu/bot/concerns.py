"""Money trouble and urgency in a customer's own words.

Entries marked 转人工 catch money matters only when the knowledge base happens to hold the right entry
and the ranker finds it. A customer who writes "充值失败了，钱扣了" or "钱包地址填错了" must reach the
people who can act on money even when no entry fits, and must never get a confident answer from an
entry about something else (a shipping address). So the policy reads two signals from the message
itself, independent of the knowledge base:

- **money trouble**: a money word (充值, 扣款, 退款, 余额, 钱包, refund, payment …) together with a
  problem word (失败, 没到账, 扣了, 不见了, 错了, 多扣, failed, missing …). A money word alone is a
  how-to question ("怎么充值", "充值后多久到账") that the knowledge base answers; a problem alone is
  not about money ("地址填错了").
- **urgency**: 急, 马上, 紧急, 被盗, 冻结, urgent, hacked … ("不急" is not), which raises the
  conversation's place in the queue when it is handed over.

Rules rather than a model: a handful of words carries these signals in customer service, every
decision is explainable to an administrator, and the lists are tested on phrasings and their negatives.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kefu.bot.normalize import normalize

# Queue priority the bot asks for on an urgent hand-over: above a complaint (2) or a money matter (1)
# alone, below a VIP (4); routing keeps the higher of this and its own (kefu.routing.queue).
URGENT_PRIORITY = 3

_MONEY_ZH = (
    r"充值|充钱|储值|支付|付款|付钱|付了|已付|扣款|扣钱|扣费|扣.{0,3}钱"
    r"|退款|退钱|退费|转账|转错|汇款|余额|提现|钱包|到账|打款|收款|账单|话费|银行卡|信用卡|支付宝|微信支付"
    r"|续费|会员费|钻石|点券|金币|充的|花了.{0,6}(元|块)|\d+\s*(元|块钱)|钱"
)
_MONEY_EN = (
    r"\b(charged?|charges|refunds?|refunded|payments?|paid|pay|money|wallet|balance|withdraw(al|n)?|transfer(red)?"
    r"|top[- ]?up|recharged?|billing|billed|debited|credit card|bank card|deposit(ed)?|funds)\b"
)
_PROBLEM_ZH = (
    r"失败|不成功|没成功|未成功|没到账|未到账|不到账|没有到账|到不了账|没到|没收到|未收到|没有收到|扣了|被扣|多扣|重复扣"
    r"|扣了两次|扣两次|白扣|乱扣|莫名|不见了|没了|消失|丢了|少了|错了|填错|输错|转错|打错|写错|不对|有误|异常"
    r"|没退|不退|退不了|退不回|没退回|没回来|回不来|拒绝|被拒|驳回|提不出|提现不了|取不出|卡住|卡在|冻结|被盗|盗刷|被骗|诈骗|骗了"
    r"|还没|怎么还|迟迟|一直没|有问题|出问题|不显示|没显示|显示未支付|没反应|没变|没有变"
)
_PROBLEM_EN = (
    r"\b(fail(ed|s|ure)?|not (received|arrived|credited|showing|working)|didn'?t (get|receive|arrive|go through)"
    r"|hasn'?t (arrived|come|been)|never (arrived|came|got)|missing|wrong|twice|double|stuck|lost|disappeared"
    r"|gone|no refund|not refunded|declined|rejected|stolen|hacked|fraud|scam(med)?|unauthori[sz]ed"
    r"|charged (me )?(twice|but|without)|still (no|not|haven'?t)|where is my)\b"
)
_URGENT_ZH = r"急|紧急|马上|立刻|立即|赶紧|赶快|尽快|快点|火速|救命|被盗|盗号|盗刷|冻结|被骗|诈骗|报警"
_URGENT_EN = r"\b(urgent(ly)?|asap|immediately|right now|right away|emergency|hacked|stolen|frozen|scam(med)?|fraud)\b"
# "不急", "不着急", "别急", "急什么": the customer says there is no hurry.
_NOT_URGENT_ZH = r"不(太|是很|用)?(着)?急|别(着)?急|不赶|不紧急|急什么"

_money = re.compile(f"{_MONEY_ZH}|{_MONEY_EN}")
_problem = re.compile(f"{_PROBLEM_ZH}|{_PROBLEM_EN}")
_urgent = re.compile(f"{_URGENT_ZH}|{_URGENT_EN}")
_not_urgent = re.compile(_NOT_URGENT_ZH)


@dataclass(frozen=True, slots=True)
class Concerns:
    """What a message says beyond its question: money is involved, something went wrong with it, hurry."""

    money: bool = False
    money_trouble: bool = False
    urgent: bool = False


def _text(message: str) -> str:
    return normalize(message, strip_punct=True)


def is_about_money(text: str) -> bool:
    """True when ``text`` mentions money (a payment, a top-up, a refund, a balance …)."""
    return bool(_money.search(_text(text)))


def entry_is_about_money(question: str, similar: Sequence[str]) -> bool:
    """True when an entry is about money: its standard question, or half of all its questions, mention it.

    Judged on the questions only: an answer or a category (支付售后) also covers shipping and returns.
    """
    questions = [question, *similar]
    return is_about_money(question) or 2 * sum(map(is_about_money, questions)) >= len(questions)


def concerns_of(message: str) -> Concerns:
    """The money and urgency signals of a customer's message."""
    text = _text(message)
    money = bool(_money.search(text))
    trouble = money and bool(_problem.search(text))
    calm = _not_urgent.sub("", text)
    urgent = bool(_urgent.search(calm))
    return Concerns(money=money, money_trouble=trouble, urgent=urgent)
