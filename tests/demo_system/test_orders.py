"""Orders and payments: look-ups, crediting a debited top-up, refunds."""

from __future__ import annotations

from tests.demo_system.conftest import Caller


def test_recent_orders_by_user_or_phone(call: Caller) -> None:
    by_id = call("recent_orders", user_id="100002")["data"]["orders"]
    assert [o["order_no"] for o in by_id] == ["202612010002", "202612010003", "202612010004"]
    assert by_id[0]["amount"] == "648.00"
    assert call("recent_orders", phone="13900139000")["data"]["orders"] == by_id
    assert call("recent_orders", phone="13000000000")["outcome"] == "not_found"
    assert call("recent_orders", user_id="100004")["data"]["orders"] == []


def test_find_order(call: Caller) -> None:
    found = call("find_order", order_no="202612010002")
    assert found["outcome"] == "ok"
    data = found["data"]
    assert {k: data[k] for k in ("order_no", "amount", "currency", "payment_state", "user_id")} == {
        "order_no": "202612010002",
        "amount": "648.00",
        "currency": "CNY",
        "payment_state": "debited_not_credited",
        "user_id": "100002",
    }
    states = {
        no: call("find_order", order_no=no)["data"]["payment_state"]
        for no in ("202612010001", "202612010003", "202612010004", "202612010007")
    }
    assert states == {
        "202612010001": "paid",
        "202612010003": "failed",
        "202612010004": "refunded",
        "202612010007": "pending",
    }
    assert call("find_order", order_no="209900000000")["outcome"] == "not_found"
    assert call("find_order", order_no="abc")["outcome"] == "not_found"


def test_redeliver_credits_once(call: Caller) -> None:
    done = call("redeliver", order_no="202612010002")
    assert done["outcome"] == "ok"
    assert done["data"] == {"credited_at": "2026-12-02T16:00:00+08:00"}
    assert call("find_order", order_no="202612010002")["data"]["payment_state"] == "paid"
    assert call("redeliver", order_no="202612010002")["data"]["reason"] == "already_credited"


def test_redeliver_refusals(call: Caller) -> None:
    assert call("redeliver", order_no="202612010003")["data"]["reason"] == "not_debited"
    assert call("redeliver", order_no="202612010007")["data"]["reason"] == "not_debited"
    assert call("redeliver", order_no="202612010001")["data"]["reason"] == "already_credited"
    assert call("redeliver", order_no="202612010099")["outcome"] == "not_found"


def test_refund_of_an_unshipped_order(call: Caller) -> None:
    refund = call("request_refund", order_no="202612010005")
    assert refund["outcome"] == "ok"
    assert refund["data"] == {
        "refund_no": "TK20261202001",
        "amount": "2499.00",
        "currency": "CNY",
        "expected_days": 3,
        "expected_by": "2026-12-07",  # three working days after Wednesday 2 December
    }
    assert call("find_order", order_no="202612010005")["data"]["payment_state"] == "refunded"
    assert call("shipment_status", order_no="202612010005")["outcome"] == "not_found"  # it will never ship
    assert call("request_refund", order_no="202612010005")["data"]["reason"] == "already_refunded"
    second = call("request_refund", order_no="202612010002")  # a debited top-up may be refunded instead
    assert second["data"]["refund_no"] == "TK20261202002"


def test_refund_refusals(call: Caller) -> None:
    reasons = {
        no: call("request_refund", order_no=no)["data"]["reason"]
        for no in ("202612010001", "202612010003", "202612010004", "202612010006", "202612010008")
    }
    assert reasons == {
        "202612010001": "in_transit",
        "202612010003": "not_paid",
        "202612010004": "already_refunded",
        "202612010006": "already_credited",
        "202612010008": "past_refund_window",
    }
    assert call("request_refund", order_no="202612019999")["outcome"] == "not_found"
