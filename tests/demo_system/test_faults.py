"""The fault switch: an action answers 500 or slowly, set from this machine only."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from kefu.demo_system.app import create_demo_system
from tests.demo_system.conftest import SECRET, Caller


def test_error_mode_answers_500_and_does_nothing(call: Caller) -> None:
    switched = call.client.post("/api/faults", json={"action": "send_code", "mode": "error"})
    assert switched.status_code == 200
    assert switched.json() == {"faults": {"send_code": {"mode": "error", "delay_s": 0.0}}}
    response = call.raw("send_code", {"user_id": "100001", "via": "sms"}, key="k1")
    assert response.status_code == 500
    assert call.outbox() == []
    assert call("find_user", phone="13800138000")["outcome"] == "ok"  # other actions unaffected
    call.client.post("/api/faults", json={"action": "send_code", "mode": "none"})
    assert call.client.get("/api/faults").json() == {"faults": {}}
    assert call("send_code", key="k1", user_id="100001", via="sms")["outcome"] == "ok"  # the retry goes through
    assert len(call.outbox()) == 1


def test_slow_mode_delays_the_answer(call: Caller) -> None:
    call.client.post("/api/faults", json={"action": "find_order", "mode": "slow", "delay_s": 0.4})
    started = time.monotonic()
    answer = call("find_order", order_no="202612010001")
    assert time.monotonic() - started >= 0.4
    assert answer["outcome"] == "ok"


def test_every_action_at_once(call: Caller) -> None:
    call.client.post("/api/faults", json={"action": "*", "mode": "error"})
    assert call.raw("find_user", {"phone": "13800138000"}).status_code == 500
    assert call.raw("repair_progress", {"repair_no": "R20261125001"}).status_code == 500
    call.client.post("/api/faults", json={"action": "*", "mode": "none"})
    assert call.raw("find_user", {"phone": "13800138000"}).status_code == 200


def test_bad_signature_wins_over_a_fault(call: Caller) -> None:
    call.client.post("/api/faults", json={"action": "find_user", "mode": "error"})
    assert call.raw("find_user", {"phone": "13800138000"}, secret="wrong").status_code == 401


def test_unknown_action_or_mode_is_rejected(call: Caller) -> None:
    assert call.client.post("/api/faults", json={"action": "teleport", "mode": "error"}).status_code == 422
    assert call.client.post("/api/faults", json={"action": "find_user", "mode": "explode"}).status_code == 422
    assert (
        call.client.post("/api/faults", json={"action": "find_user", "mode": "slow", "delay_s": 999}).status_code == 422
    )


def test_only_loopback_may_switch_faults_or_reset(tmp_path: Path) -> None:
    app = create_demo_system(tmp_path / "data", SECRET)
    with TestClient(app, client=("203.0.113.9", 40000)) as remote:
        assert remote.post("/api/faults", json={"action": "find_user", "mode": "error"}).status_code == 403
        assert remote.post("/api/reset").status_code == 403
        assert remote.get("/api/faults").json() == {"faults": {}}


def test_reset_restores_the_seed(call: Caller) -> None:
    call("request_refund", order_no="202612010005")
    call("send_code", user_id="100001", via="sms")
    call.client.post("/api/faults", json={"action": "find_user", "mode": "error"})
    assert call.client.post("/api/reset").status_code == 200
    assert call.outbox() == []
    assert call.client.get("/api/faults").json() == {"faults": {}}
    assert call("find_order", order_no="202612010005")["data"]["payment_state"] == "paid"
