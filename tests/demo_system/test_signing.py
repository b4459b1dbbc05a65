"""Only requests signed with the shared secret within five minutes are answered; others change nothing."""

from __future__ import annotations

import json

from tests.demo_system.conftest import SECRET, Caller, signed_headers

SEND = {"user_id": "100001", "via": "sms"}


def _refused_unsigned(response) -> None:
    assert response.status_code == 401
    assert response.json()["outcome"] == "refused"
    assert response.json()["error"] == "bad_signature"


def test_wrong_secret_is_401_and_sends_nothing(call: Caller) -> None:
    _refused_unsigned(call.raw("send_code", SEND, secret="not-the-secret"))
    assert call.outbox() == []


def test_stale_and_future_timestamps_are_401(call: Caller) -> None:
    now = int(call.clock.now().timestamp())
    _refused_unsigned(call.raw("send_code", SEND, timestamp=now - 301))
    _refused_unsigned(call.raw("send_code", SEND, timestamp=now + 301))
    assert call.outbox() == []
    assert call.raw("send_code", SEND, timestamp=now - 300).status_code == 200
    assert len(call.outbox()) == 1


def test_a_signed_request_ages_out_with_the_clock(call: Caller) -> None:
    stamp = int(call.clock.now().timestamp())
    call.clock.advance(minutes=5, seconds=1)
    _refused_unsigned(call.raw("find_user", {"phone": "13800138000"}, timestamp=stamp))


def test_tampered_body_and_missing_headers_are_401(call: Caller) -> None:
    body = json.dumps({"action": "send_code", "params": SEND}).encode()
    stamp = int(call.clock.now().timestamp())
    headers = signed_headers(SECRET, body, stamp, "send_code", "k")
    tampered = body.replace(b"100001", b"100002")
    _refused_unsigned(call.client.post("/api/actions/send_code", content=tampered, headers=headers))
    for missing in ("X-Kefu-Signature", "X-Kefu-Timestamp"):
        partial = {name: value for name, value in headers.items() if name != missing}
        _refused_unsigned(call.client.post("/api/actions/send_code", content=body, headers=partial))
    bad_stamp = {**headers, "X-Kefu-Timestamp": "soon"}
    _refused_unsigned(call.client.post("/api/actions/send_code", content=body, headers=bad_stamp))
    assert call.outbox() == []


def test_action_must_match_the_url(call: Caller) -> None:
    body = json.dumps({"action": "freeze_account", "params": {"user_id": "100001"}}).encode()
    stamp = int(call.clock.now().timestamp())
    headers = signed_headers(SECRET, body, stamp, "freeze_account", None)
    response = call.client.post("/api/actions/find_user", content=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["data"]["reason"] == "bad_params"


def test_unknown_action_is_404_after_the_signature_check(call: Caller) -> None:
    assert call.raw("teleport", {}).status_code == 404
    assert call.raw("teleport", {}, secret="wrong").status_code == 401
