"""A repeated Idempotency-Key gets the first answer back and does nothing again."""

from __future__ import annotations

from tests.demo_system.conftest import Caller


def test_refund_replayed_not_repeated(call: Caller) -> None:
    first = call.raw("request_refund", {"order_no": "202612010005"}, key="conv-7-refund")
    call.clock.advance(minutes=1)
    again = call.raw("request_refund", {"order_no": "202612010005"}, key="conv-7-refund")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["outcome"] == "ok"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    # A new key is a new request: the order is already refunded now.
    assert (
        call("request_refund", key="conv-7-refund-2", order_no="202612010005")["data"]["reason"] == "already_refunded"
    )


def test_send_code_with_the_same_key_sends_one_sms(call: Caller) -> None:
    first = call("send_code", key="conv-7-step-3", user_id="100001", via="sms")
    again = call("send_code", key="conv-7-step-3", user_id="100001", via="sms")
    assert first == again
    assert len(call.outbox("13800138000")) == 1
    call("send_code", key="conv-7-step-4", user_id="100001", via="sms")
    assert len(call.outbox("13800138000")) == 2


def test_the_key_is_per_action(call: Caller) -> None:
    call("send_code", key="same", user_id="100001", via="sms")
    assert call("send_reset_link", key="same", user_id="100001")["outcome"] == "ok"
    assert len(call.outbox()) == 2


def test_repair_created_once_per_key(call: Caller) -> None:
    params = {"model": "K1 Pro", "fault": "屏幕碎了", "serial": "SN10K1P04571"}
    first = call("create_repair", key="conv-9-repair", **params)
    again = call("create_repair", key="conv-9-repair", **params)
    assert first == again
    assert first["data"]["repair_no"] == "R20261202001"
    assert len(call.outbox("13600136000")) == 1
    assert call("create_repair", key="conv-10-repair", **params)["data"]["repair_no"] == "R20261202002"


def test_refusals_are_replayed_too(call: Caller) -> None:
    call("send_code", user_id="100001", via="sms")
    first = call("verify_code", key="v1", user_id="100001", code="abcdef")
    again = call("verify_code", key="v1", user_id="100001", code="abcdef")
    assert first == again
    assert first["data"] == {"reason": "wrong_code", "attempts_left": 4}
    assert call("verify_code", key="v2", user_id="100001", code="abcdef")["data"]["attempts_left"] == 3


def test_bad_params_are_not_remembered(call: Caller) -> None:
    assert call.raw("send_code", {"user_id": "100001", "via": "pigeon"}, key="k").status_code == 422
    assert call("send_code", key="k", user_id="100001", via="sms")["outcome"] == "ok"


def test_overlong_key_is_refused(call: Caller) -> None:
    assert call.raw("find_user", {"phone": "13800138000"}, key="k" * 129).status_code == 422
    assert call.raw("find_user", {"phone": "13800138000"}, key="k" * 128).status_code == 200
