"""The policy over several turns: ignored suggestions are misses, money trouble, urgency, journeys."""

from __future__ import annotations

from dataclasses import replace

from kefu.bot.concerns import URGENT_PRIORITY
from kefu.bot.index import BotIndex
from kefu.bot.policy import BotSettings, Policy, State, Turn
from tests.bot.test_policy import ScriptedRetriever, _entry

ENTRIES = [
    _entry(1, "忘记密码怎么办", group=10),
    _entry(3, "什么时候发货", group=20),
    _entry(4, "怎么查快递", group=20),
    _entry(5, "下单后怎么修改收货地址", group=20),
    _entry(6, "充值了没到账", group=20, handover=True),
]
SCRIPT = {
    "东西呢": [(3, 0.4), (4, 0.35)],
    "随便问问": [(4, 0.3), (3, 0.28)],
    "量子力学": [(4, 0.05)],
    "密码想不起来了": [(1, 0.9)],
    "钱包地址填错了": [(5, 0.75), (6, 0.2)],
    "充值失败了，钱扣了": [(6, 0.4), (5, 0.1)],
    "急！充值失败了，钱扣了": [(6, 0.4)],
    "我充值了钱扣了但是余额没到账": [(6, 0.9)],
    "怎么充值": [(6, 0.3)],
}
MONEY_GROUP = 99


class FakeJourneys:
    """Starts the recharge journey for messages about 充值, and remembers what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, int | None]] = []

    def match(self, text: str, entry_id: int | None) -> str | None:
        self.asked.append((text, entry_id))
        return "recharge" if "充值" in text and "怎么" not in text else None


def _policy(journeys: FakeJourneys | None = None, **overrides: object) -> Policy:
    index = BotIndex(ENTRIES, ScriptedRetriever(SCRIPT))  # type: ignore[arg-type]
    return Policy(index, BotSettings(**overrides), lambda text: "垃圾" in text, journeys=journeys)  # type: ignore[arg-type]


def _next(state: State, turn: Turn, text: str) -> State:
    """The state of the next message, as the service reads it back from what apply_turn wrote."""
    failures = 0 if turn.outcome == "answered" else state.failures + turn.misses
    kind = turn.replies[-1].meta.get("kind") if turn.replies else None
    return replace(state, failures=failures, last_bot_kind=kind, recent_questions=(text, *state.recent_questions))


def _talk(policy: Policy, texts: list[str], state: State | None = None) -> list[Turn]:
    state = state or State(money_group_id=MONEY_GROUP)
    turns = []
    for text in texts:
        turn = policy.respond(text, state)
        turns.append(turn)
        state = _next(state, turn, text)
    return turns


def test_a_clarify_is_recorded_until_the_customer_settles_it() -> None:
    (turn,) = _talk(_policy(), ["东西呢"])
    assert turn.replies[0].meta["kind"] == "clarify"
    assert turn.replies[0].meta["buttons"][0]["send"] == "转人工"  # a person is offered every time
    assert turn.missed is not None
    assert (turn.missed.reason, turn.missed.best_entry_id) == ("clarified", 3)
    assert (turn.outcome, turn.misses, turn.clarify_settled) == ("neutral", 0, None)


def test_ignored_suggestions_count_as_misses_and_hand_over_after_max_failures() -> None:
    _first, second, third = _talk(_policy(), ["东西呢", "随便问问", "东西呢"])
    assert second.replies[0].meta["kind"] == "clarify"
    assert (second.outcome, second.misses, second.clarify_settled) == ("failed", 1, "ignored")
    assert third.handover == "bot_failed"
    assert third.clarify_settled == "ignored"
    # The question that ended it is recorded as unanswered (no suggestions were shown for it).
    assert third.missed is not None
    assert (third.missed.text, third.missed.reason) == ("东西呢", "no_match")
    longer = _talk(_policy(max_failures=4), ["东西呢"] * 5)
    assert [t.handover for t in longer] == [None, None, None, None, "bot_failed"]
    assert all(t.handover is None for t in _talk(_policy(max_failures=0), ["东西呢"] * 8))


def test_a_decline_after_ignored_suggestions_is_the_second_miss() -> None:
    _clarify, decline = _talk(_policy(), ["东西呢", "量子力学"])
    assert decline.handover == "bot_failed"
    assert (decline.misses, decline.clarify_settled) == (2, "ignored")
    assert decline.missed is not None
    assert decline.missed.reason == "no_match"


def test_outside_hours_the_bot_keeps_offering_a_person_instead_of_queueing() -> None:
    closed = State(within_hours=False, money_group_id=MONEY_GROUP)
    turns = _talk(_policy(), ["东西呢", "量子力学", "量子力学", "东西呢"], closed)
    assert all(t.handover is None for t in turns)
    assert turns[1].replies[0].meta["buttons"][0]["send"] == "转人工"


def test_picking_or_rephrasing_into_an_answer_settles_the_suggestions_without_a_miss() -> None:
    policy = _policy()
    after = State(failures=1, last_bot_kind="clarify")
    picked = policy.respond("什么时候发货", after, pick=3)
    assert (picked.outcome, picked.clarify_settled, picked.misses) == ("answered", "picked", 0)
    answered = policy.respond("密码想不起来了", after)
    assert (answered.outcome, answered.clarify_settled, answered.misses) == ("answered", "answered", 0)


def test_small_talk_after_suggestions_neither_picks_nor_ignores_them() -> None:
    turn = _policy().respond("谢谢", State(failures=1, last_bot_kind="clarify"))
    assert (turn.outcome, turn.misses, turn.clarify_settled, turn.handover) == ("neutral", 0, None, None)


def test_wallet_address_is_not_answered_from_the_shipping_address_entry() -> None:
    turn = _policy().respond("钱包地址填错了", State(money_group_id=MONEY_GROUP))
    assert all(r.meta.get("entry_id") != 5 for r in turn.replies)
    assert (turn.handover, turn.handover_group_id) == ("money", MONEY_GROUP)
    assert turn.replies[0].meta == {
        "kind": "handover",
        "reason": "money",
        "text_code": "handover.money",
        "text_params": {},
    }
    assert turn.missed is not None
    assert (turn.missed.reason, turn.missed.best_entry_id) == ("money", 5)
    # The same entry still answers a message without money trouble in it.
    assert _policy().respond("密码想不起来了", State()).outcome == "answered"


def test_money_trouble_goes_to_the_money_group_unless_a_money_entry_answers_confidently() -> None:
    vague = _policy().respond("充值失败了，钱扣了", State(money_group_id=MONEY_GROUP))
    assert (vague.handover, vague.handover_group_id, vague.priority) == ("money", MONEY_GROUP, None)
    # Without a money group configured: the group of the closest entry about money.
    assert _policy().respond("充值失败了，钱扣了", State()).handover_group_id == 20
    sure = _policy().respond("我充值了钱扣了但是余额没到账", State(money_group_id=MONEY_GROUP))
    assert [r.meta["kind"] for r in sure.replies] == ["answer", "handover"]
    assert (sure.replies[0].meta["entry_id"], sure.handover) == (6, "sensitive_topic")
    how_to = _policy().respond("怎么充值", State(money_group_id=MONEY_GROUP))  # a question, not trouble
    assert how_to.handover is None
    assert how_to.replies[0].meta["kind"] == "clarify"


def test_urgency_raises_the_priority_of_a_hand_over() -> None:
    money = _policy().respond("急！充值失败了，钱扣了", State(money_group_id=MONEY_GROUP))
    assert (money.handover, money.priority) == ("money", URGENT_PRIORITY)
    request = _policy().respond("急急急，转人工", State())
    assert (request.handover, request.priority) == ("customer_request", URGENT_PRIORITY)
    assert _policy().respond("转人工", State()).priority is None
    assert _policy().respond("急，东西呢", State()).priority is None  # nothing to prioritise without a hand-over


def test_a_fitting_journey_starts_before_small_talk_and_the_knowledge_base() -> None:
    journeys = FakeJourneys()
    turn = _policy(journeys).respond("充值失败了，钱扣了", State(money_group_id=MONEY_GROUP))
    assert (turn.replies, turn.start_flow, turn.outcome, turn.handover) == ([], "recharge", "answered", None)
    # A match worth a suggestion at most (0.4) names no entry: only one the bot would answer with does.
    assert journeys.asked == [("充值失败了，钱扣了", None)]
    journeys.asked.clear()
    _policy(journeys).respond("我充值了钱扣了但是余额没到账", State(money_group_id=MONEY_GROUP))
    assert journeys.asked == [("我充值了钱扣了但是余额没到账", 6)]
    journeys.asked.clear()
    assert _policy(journeys).respond("量子力学", State()).start_flow is None
    assert journeys.asked == [("量子力学", None)]  # nothing matched well enough to name
    _policy(journeys).respond("钱包地址填错了", State())
    assert journeys.asked[-1] == ("钱包地址填错了", None)  # the shipping entry is not about the wallet
    journeys.asked.clear()
    assert _policy(journeys).respond("充值失败了 转人工", State()).handover == "customer_request"
    assert _policy(journeys).respond("你好", State()).start_flow is None
    assert journeys.asked == []  # hand-over requests and small talk never reach the journeys
    # Suggestions the customer answered by starting a journey are settled, not a miss.
    after = _policy(journeys).respond("充值失败了，钱扣了", State(last_bot_kind="clarify"))
    assert (after.start_flow, after.clarify_settled, after.misses) == ("recharge", "answered", 0)
