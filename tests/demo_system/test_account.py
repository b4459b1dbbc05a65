"""Account actions: finding users, codes (expiry, attempts), reset links, freezing, devices."""

from __future__ import annotations

from tests.demo_system.conftest import Caller


def _code(call: Caller, to: str) -> str:
    code = call.outbox(to)[0]["code"]
    assert isinstance(code, str)
    return code


def test_find_user_by_phone_or_email(call: Caller) -> None:
    found = call("find_user", phone="+86 138-0013-8000")
    assert found["outcome"] == "ok"
    assert found["data"] == {
        "user_id": "100001",
        "name": "张伟",
        "name_masked": "张*",
        "phone_masked": "138****8000",
        "email_masked": "z***@example.com",
        "frozen": False,
    }
    assert call("find_user", email="LiNa@Example.com")["data"]["user_id"] == "100002"
    assert call("find_user", phone="13000000000")["outcome"] == "not_found"


def test_find_user_needs_a_phone_or_email(call: Caller) -> None:
    response = call.raw("find_user", {})
    assert response.status_code == 422
    assert response.json()["outcome"] == "refused"


def test_sms_code_verifies_once(call: Caller) -> None:
    sent = call("send_code", user_id="100001", via="sms")
    assert sent["outcome"] == "ok"
    assert sent["data"]["sent_to"] == "138****8000"
    assert sent["data"]["expires_in_s"] == 300
    code = _code(call, "13800138000")
    assert len(code) == 6
    assert code.isdigit()
    assert code in call.outbox("13800138000")[0]["text"]
    assert call("verify_code", user_id="100001", code=code)["outcome"] == "ok"
    assert call("verify_code", user_id="100001", code=code)["data"] == {"reason": "expired"}


def test_email_code_goes_to_the_address(call: Caller) -> None:
    sent = call("send_code", user_id="100002", via="email")
    assert sent["data"]["sent_to"] == "l***@example.com"
    message = call.outbox("lina@example.com")[0]
    assert message["channel"] == "email"
    assert message["subject"]
    assert call("verify_code", user_id="100002", code=message["code"])["outcome"] == "ok"


def test_code_expires_after_five_minutes(call: Caller) -> None:
    call("send_code", user_id="100001", via="sms")
    code = _code(call, "13800138000")
    call.clock.advance(minutes=5)
    answer = call("verify_code", user_id="100001", code=code)
    assert answer["outcome"] == "refused"
    assert answer["data"]["reason"] == "expired"


def test_code_still_good_just_before_expiry(call: Caller) -> None:
    call("send_code", user_id="100001", via="sms")
    code = _code(call, "13800138000")
    call.clock.advance(minutes=4, seconds=59)
    assert call("verify_code", user_id="100001", code=code)["outcome"] == "ok"


def test_five_wrong_attempts_lock_the_code(call: Caller) -> None:
    call("send_code", user_id="100001", via="sms")
    code = _code(call, "13800138000")
    wrong = "000000" if code != "000000" else "111111"
    reasons = [call("verify_code", user_id="100001", code=wrong)["data"]["reason"] for _ in range(5)]
    assert reasons == ["wrong_code"] * 4 + ["too_many_attempts"]
    locked = call("verify_code", user_id="100001", code=code)
    assert locked["data"]["reason"] == "too_many_attempts"
    call("send_code", user_id="100001", via="sms")  # a new code starts afresh
    assert call("verify_code", user_id="100001", code=_code(call, "13800138000"))["outcome"] == "ok"


def test_wrong_code_says_how_many_tries_are_left(call: Caller) -> None:
    call("send_code", user_id="100001", via="sms")
    code = _code(call, "13800138000")
    answer = call("verify_code", user_id="100001", code="12345" if code != "12345" else "54321")
    assert answer["data"] == {"reason": "wrong_code", "attempts_left": 4}
    assert answer["message"]


def test_a_new_code_replaces_the_old(call: Caller) -> None:
    call("send_code", user_id="100001", via="sms")
    first = _code(call, "13800138000")
    call("send_code", user_id="100001", via="sms")
    second = _code(call, "13800138000")
    if first != second:
        assert call("verify_code", user_id="100001", code=first)["outcome"] == "refused"
    assert call("verify_code", user_id="100001", code=second)["outcome"] == "ok"


def test_verify_without_a_code_sent(call: Caller) -> None:
    assert call("verify_code", user_id="100003", code="123456")["data"]["reason"] == "expired"


def test_unknown_user_is_not_found(call: Caller) -> None:
    for action, params in (
        ("send_code", {"via": "sms"}),
        ("verify_code", {"code": "123456"}),
        ("send_reset_link", {}),
        ("freeze_account", {"reason": "被盗"}),
        ("recent_logins", {}),
        ("sign_out_devices", {}),
    ):
        assert call(action, user_id="999999", **params)["outcome"] == "not_found", action
    assert call.outbox() == []


def test_reset_link_is_mailed_and_opens(call: Caller) -> None:
    sent = call("send_reset_link", user_id="100001")
    assert sent["data"]["sent_to"] == "z***@example.com"
    message = call.outbox("zhangwei@example.com")[0]
    link = message["link"]
    assert link.startswith("http://testserver/reset?token=")
    assert link in message["text"]
    page = call.client.get(link)
    assert page.status_code == 200
    assert "重置密码" in page.text
    call.clock.advance(minutes=30)
    assert call.client.get(link).status_code == 410
    assert call.client.get("/reset?token=nope").status_code == 404


def test_freeze_signs_out_and_is_idempotent(call: Caller) -> None:
    first = call("freeze_account", user_id="100001", reason="账号被盗")
    assert first["outcome"] == "ok"
    assert first["data"] == {"frozen_at": "2026-12-02T16:00:00+08:00", "signed_out_devices": 3}
    call.clock.advance(minutes=10)
    again = call("freeze_account", user_id="100001", reason="再次申请")
    assert again["data"] == first["data"]
    assert len(call.outbox("13800138000")) == 1  # one notice SMS
    assert call("find_user", phone="13800138000")["data"]["frozen"] is True
    logins = call("recent_logins", user_id="100001")["data"]["logins"]
    assert not any(login["current"] or login["signed_in"] for login in logins)


def test_recent_logins_newest_first_with_the_foreign_one(call: Caller) -> None:
    logins = call("recent_logins", user_id="100001")["data"]["logins"]
    assert [(x["place"], x["device"], x["current"], x["signed_in"]) for x in logins] == [
        ("上海", "iPhone 15", True, True),
        ("海外", "Android", False, True),
        ("上海", "Windows PC", False, True),
        ("北京", "iPhone 15", False, False),
    ]
    assert logins[0]["time"] == "2026-12-02T15:30:00+08:00"
    assert logins[1]["ip"] == "185.220.101.47"
    assert len(call("recent_logins", user_id="100001", limit="2")["data"]["logins"]) == 2


def test_sign_out_devices(call: Caller) -> None:
    assert call("sign_out_devices", user_id="100001")["data"] == {"signed_out": 3}
    assert call("sign_out_devices", user_id="100001")["data"] == {"signed_out": 0}
