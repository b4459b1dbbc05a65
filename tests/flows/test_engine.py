"""The flow engine, turn by turn, with the company's system answering from a script.

(End-to-end runs against the demo business system over signed HTTP are in test_journeys.py.)
"""

from __future__ import annotations

import asyncio
import copy
from datetime import date
from typing import Any

from kefu.flows.engine import CallResult, Engine
from kefu.flows.source import parse
from kefu.flows.state import Progress, RunState
from kefu.texts import TextBook

FLOW = parse("""\
key: refund
name: 退款
slots:
  order_no: {type: order_no, label: 订单号}
  code: {type: code, label: 验证码}
  model: {type: choice, choices: [K1, K2]}
steps:
  - id: ask_order
    collect: order_no
    say: 请输入订单号
    max_attempts: 2
  - id: find
    call: find_order
    params: {order_no: "{{ slots.order_no }}"}
    save: order
    on: {not_found: gone}
  - id: state
    branch:
      - {when: "results.order.payment_state == 'debited_not_credited'", next: ask_code}
      - {next: paid}
  - id: ask_code
    collect: code
    say: 请输入验证码
  - id: confirm
    say: "订单 {{ slots.order_no }}，验证码 {{ slots.code }}：要退款吗？"
    choose:
      - {label: 是, match: [退款], next: refund}
      - {label: 不是, next: paid}
  - id: refund
    call: request_refund
    params: {order_no: "{{ slots.order_no }}", code: "{{ slots.code }}"}
    save: refund
  - id: done
    end: resolved
    say: "退款单 {{ results.refund.refund_no }}"
  - id: paid
    end: resolved
    say: 已支付
  - id: gone
    say: 找不到
    forget: [order_no]
    next: ask_order
""")


class Backend:
    """Answers actions from a script and records every call (with its idempotency key)."""

    def __init__(self, **answers: Any) -> None:
        self.answers = answers
        self.calls: list[tuple[str, dict[str, str], str]] = []

    async def __call__(self, action: str, params: dict[str, str], key: str) -> CallResult:
        self.calls.append((action, params, key))
        answer = self.answers[action]
        return answer(params) if callable(answer) else answer


def _engine(backend: Backend, run_id: int = 7) -> Engine:
    return Engine(
        FLOW, run_id=run_id, caller=backend, texts=TextBook(), locale="zh-CN", channel="web", today=date(2026, 12, 2)
    )


def _run(coro: Any) -> Progress:
    return asyncio.run(coro)


def _texts(progress: Progress) -> list[str]:
    return [s.text for s in progress.said]


DEBITED = CallResult("ok", {"payment_state": "debited_not_credited"})


def test_a_slot_is_filled_from_the_first_message_and_the_flow_runs_to_its_end() -> None:
    backend = Backend(find_order=DEBITED, request_refund=CallResult("ok", {"refund_no": "RF1"}))
    engine = _engine(backend)
    first = _run(engine.start("订单 202612010001 一直没到账"))
    assert _texts(first) == ["请输入验证码"]
    assert first.secret_input
    assert first.said[0].meta["input"] == "secret"
    confirm = _run(engine.answer(first.state, "123456"))
    assert _texts(confirm) == ["订单 202612010001，验证码 ••••••：要退款吗？"]  # the secret is masked
    assert [b["label"] for b in confirm.said[0].meta["buttons"]] == ["是", "不是"]
    end = _run(engine.answer(confirm.state, "我要退款"))
    assert end.ended == "resolved"
    assert _texts(end) == ["退款单 RF1"]
    assert backend.calls[1] == (
        "request_refund",
        {"order_no": "202612010001", "code": "123456"},
        "kefu-flow-7-refund-1",
    )


def test_invalid_answers_re_prompt_then_hand_over() -> None:
    engine = _engine(Backend())
    first = _run(engine.start("你好"))
    again = _run(engine.answer(first.state, "不知道"))
    assert again.ended is None
    assert _texts(again) == ["格式好像不太对，请重新输入。", "请输入订单号"]
    stop = _run(engine.answer(again.state, "还是不知道"))
    assert (stop.ended, stop.reason) == ("handed_over", "too_many_attempts")


def test_an_outcome_branches_and_forget_asks_again() -> None:
    backend = Backend(find_order=lambda p: CallResult("not_found") if p["order_no"].endswith("1") else DEBITED)
    engine = _engine(backend)
    first = _run(engine.start("202612010001"))
    assert _texts(first) == ["找不到", "请输入订单号"]
    second = _run(engine.answer(first.state, "202612010002"))
    assert _texts(second) == ["请输入验证码"]


def test_the_system_unavailable_hands_over_with_the_reason() -> None:
    engine = _engine(Backend(find_order=CallResult("unavailable", message="timeout")))
    stop = _run(engine.start("202612010001"))
    assert (stop.ended, stop.reason) == ("handed_over", "system_unavailable")
    assert stop.said[-1].meta["text_code"] == "flow.unavailable"
    assert stop.state.calls == [
        {"step": "find", "action": "find_order", "outcome": "unavailable", "message": "timeout"}
    ]


def test_a_retried_turn_sends_the_same_idempotency_keys() -> None:
    backend = Backend(find_order=DEBITED)
    engine = _engine(backend)
    first = _run(engine.start("你好"))
    saved = copy.deepcopy(first.state)
    _run(engine.answer(first.state, "202612010001"))
    _run(engine.answer(RunState.from_json(saved.to_json()), "202612010001"))  # the same turn again after a crash
    assert backend.calls[0][2] == backend.calls[1][2] == "kefu-flow-7-find-1"


def test_a_correction_updates_the_slot_and_goes_back() -> None:
    backend = Backend(find_order=DEBITED)
    engine = _engine(backend)
    at_code = _run(engine.start("订单 202612010001"))
    corrected = _run(engine.answer(at_code.state, "不对，订单号是 202612010009"))
    assert _texts(corrected) == ["好的，已为您更新。", "请输入验证码"]
    assert corrected.state.slots["order_no"] == "202612010009"
    assert backend.calls[-1][1] == {"order_no": "202612010009"}


def test_cancel_and_expire_say_so() -> None:
    engine = _engine(Backend())
    first = _run(engine.start(""))
    assert _texts(engine.cancel(first.state)) == ["好的，已为您取消「退款」。还有其他问题可以随时问我。"]
    assert engine.expire(first.state).ended == "expired"


def test_fits_tells_answers_from_other_messages() -> None:
    engine = _engine(Backend(find_order=DEBITED))
    first = _run(engine.start(""))
    assert engine.fits(first.state, "202612010001")
    assert not engine.fits(first.state, "你们几点下班")


def test_english_texts_come_from_the_locale() -> None:
    engine = Engine(
        parse(
            "key: e\nname: {zh-CN: 例子, en: Example}\nsteps:\n  - id: a\n    say: {zh-CN: 你好, en: Hi}\n"
            "    next: b\n  - id: b\n    end: resolved\n"
        ),
        run_id=1,
        caller=Backend(),
        texts=TextBook(),
        locale="en",
        channel="web",
        today=date(2026, 12, 2),
    )
    progress = _run(engine.start(""))
    assert _texts(progress) == ["Hi"]
    assert engine.name == "Example"


def test_a_button_label_is_a_button_even_when_it_is_a_cancel_word() -> None:
    flow = parse(
        "key: b\nname: B\nsteps:\n  - id: ask\n    say: 继续吗？\n    choose:\n"
        "      - {label: 结束, next: bye}\n      - {label: 继续, next: bye}\n"
        "  - id: bye\n    end: resolved\n    say: 再见\n"
    )
    engine = Engine(
        flow, run_id=1, caller=Backend(), texts=TextBook(), locale="zh-CN", channel="web", today=date(2026, 12, 2)
    )
    first = _run(engine.start(""))
    assert engine.is_button(first.state, "结束")
    assert not engine.is_button(first.state, "算了")


def test_slots_fill_from_earlier_messages_too() -> None:
    engine = _engine(Backend(find_order=DEBITED))
    first = _run(engine.start("充值没到账", ["我的订单是 202612010001", "你好"]))
    assert first.state.slots["order_no"] == "202612010001"
    assert _texts(first) == ["请输入验证码"]
