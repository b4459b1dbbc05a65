"""Wallet transfers and parcels."""

from __future__ import annotations

from kefu.demo_system.seed import TX_CONFIRMED, TX_FAILED, TX_PENDING, TX_STUCK
from tests.demo_system.conftest import Caller


def test_transfer_states(call: Caller) -> None:
    pending = call("transfer_status", tx_hash=TX_PENDING.upper().replace("0X", "0x"))
    assert pending["outcome"] == "ok"
    data = pending["data"]
    assert (data["tx_hash"], data["amount"], data["asset"]) == (TX_PENDING, "200.00", "USDT")
    assert (data["confirmations"], data["required_confirmations"], data["state"]) == (3, 12, "pending")
    assert data["submitted_at"] == "2026-12-02T15:48:00+08:00"
    states = {h: call("transfer_status", tx_hash=h)["data"]["state"] for h in (TX_CONFIRMED, TX_STUCK, TX_FAILED)}
    assert states == {TX_CONFIRMED: "confirmed", TX_STUCK: "stuck", TX_FAILED: "failed"}
    assert call("transfer_status", order_no="202612010006")["data"]["tx_hash"] == TX_CONFIRMED


def test_unknown_transfer(call: Caller) -> None:
    assert call("transfer_status", tx_hash="0x" + "0" * 64)["outcome"] == "not_found"
    assert call("transfer_status", tx_hash="0x1234")["outcome"] == "not_found"
    assert call("transfer_status", order_no="202612010001")["outcome"] == "not_found"


def test_shipment_in_transit_and_overdue(call: Caller) -> None:
    data = call("shipment_status", order_no="202612010001")["data"]
    assert (data["state"], data["carrier"], data["tracking_no"], data["overdue"]) == (
        "in_transit",
        "顺丰速运",
        "SF1402781234567",
        True,
    )
    assert len(data["events"]) == 4
    assert data["events"][0]["time"] < data["events"][-1]["time"]
    waiting = call("shipment_status", order_no="202612010005")["data"]
    assert (waiting["state"], waiting["overdue"], waiting["carrier"]) == ("not_shipped", True, None)
    delivered = call("shipment_status", order_no="202612010008")["data"]
    assert (delivered["state"], delivered["overdue"]) == ("delivered", False)
    assert call("shipment_status", order_no="202612010002")["outcome"] == "not_found"  # a top-up ships nothing


def test_urge_shipment_gives_a_new_promise_once(call: Caller) -> None:
    urged = call("urge_shipment", order_no="202612010005")
    assert urged["outcome"] == "ok"
    assert urged["data"] == {"promised_by": "2026-12-03T16:00:00+08:00", "already_urged": False}
    status = call("shipment_status", order_no="202612010005")["data"]
    assert status["overdue"] is False
    assert "催单" in status["events"][-1]["text"]
    call.clock.advance(hours=2)
    again = call("urge_shipment", order_no="202612010005")
    assert again["data"] == {"promised_by": "2026-12-03T16:00:00+08:00", "already_urged": True}


def test_urge_refusals(call: Caller) -> None:
    assert call("urge_shipment", order_no="202612010008")["data"]["reason"] == "delivered"
    assert call("urge_shipment", order_no="202612010077")["outcome"] == "not_found"
