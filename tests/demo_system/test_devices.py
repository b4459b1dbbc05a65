"""Warranty, repair orders and their progress."""

from __future__ import annotations

from kefu.demo_system.seed import SEED_REPAIR_NO
from tests.demo_system.conftest import Caller


def test_warranty_by_serial(call: Caller) -> None:
    inside = call("warranty_check", model="K1 Pro", serial="sn10k1p04571")
    assert inside["outcome"] == "ok"
    assert inside["data"]["in_warranty"] is True
    assert inside["data"]["model"] == "K1 Pro"
    assert inside["data"]["warranty_until"] == "2027-07-24"
    outside = call("warranty_check", model="k2", serial="SN20K2009812")["data"]
    assert outside["in_warranty"] is False
    assert outside["warranty_until"] == "2026-10-07"


def test_warranty_by_purchase_date(call: Caller) -> None:
    assert call("warranty_check", model="K3 Max", purchase_date="2025-12-03")["data"]["in_warranty"] is True
    assert call("warranty_check", model="K3 Max", purchase_date="2025-12-02")["data"]["in_warranty"] is False
    assert call("warranty_check", model="K3 Max")["data"]["reason"] == "purchase_date_required"
    assert call.raw("warranty_check", {"model": "K2", "purchase_date": "去年"}).status_code == 422
    assert call.raw("warranty_check", {"model": "K2", "purchase_date": "2027-01-01"}).status_code == 422


def test_warranty_unknowns(call: Caller) -> None:
    assert call("warranty_check", model="K9", purchase_date="2026-01-01")["outcome"] == "not_found"
    assert call("warranty_check", model="K2", serial="SN00000000")["outcome"] == "not_found"
    assert call("warranty_check", model="K2", serial="SN10K1P04571")["outcome"] == "not_found"  # a K1 Pro's serial


def test_create_repair_and_follow_it(call: Caller) -> None:
    created = call("create_repair", model="K1 Pro", fault="无法充电", serial="SN10K1P07788")
    assert created["outcome"] == "ok"
    assert created["data"] == {"repair_no": "R20261202001", "in_warranty": True, "state": "received", "model": "K1 Pro"}
    sms = call.outbox("18600186000")[0]  # the device owner's phone
    assert "R20261202001" in sms["text"]
    progress = call("repair_progress", repair_no="r20261202001")["data"]
    assert progress["state"] == "received"
    assert len(progress["steps"]) == 1
    assert call("repair_progress", phone="18600186000")["data"]["repair_no"] == "R20261202001"
    second = call("create_repair", model="K2", fault="左耳没声音", purchase_date="2024-05-01", phone="139 0013 9000")
    assert second["data"]["repair_no"] == "R20261202002"
    assert second["data"]["in_warranty"] is False
    assert call.outbox("13900139000")


def test_create_repair_unknown_model(call: Caller) -> None:
    assert call("create_repair", model="X100", fault="坏了")["outcome"] == "not_found"
    assert call.raw("create_repair", {"model": "K2"}).status_code == 422


def test_seeded_repair_progress(call: Caller) -> None:
    for params in ({"repair_no": SEED_REPAIR_NO}, {"phone": "13600136000"}):
        data = call("repair_progress", **params)["data"]
        assert data["repair_no"] == SEED_REPAIR_NO
        assert (data["model"], data["state"], data["in_warranty"]) == ("K1 Pro", "repairing", True)
        assert len(data["steps"]) == 4
    assert call("repair_progress", repair_no="R20200101001")["outcome"] == "not_found"
    assert call("repair_progress", phone="13800138000")["outcome"] == "not_found"
