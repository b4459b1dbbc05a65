"""The outbox (page and JSON) and the landing page a person reads before trying the demo."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from kefu.demo_system import ACTIONS, action_url
from kefu.demo_system.app import create_demo_system
from kefu.demo_system.seed import SEED_REPAIR_NO, TX_PENDING, TX_STUCK
from kefu.demo_system.store import STORE_FILE
from tests.demo_system.conftest import SECRET, Caller


def test_outbox_newest_first_and_filtered(call: Caller) -> None:
    call("send_code", user_id="100001", via="sms")
    call.clock.advance(seconds=30)
    call("send_reset_link", user_id="100002")
    messages = call.outbox()
    assert [m["to"] for m in messages] == ["lina@example.com", "13800138000"]
    sms, mail = messages[1], messages[0]
    assert (sms["channel"], sms["subject"], sms["link"]) == ("sms", None, None)
    assert sms["created_at"] == "2026-12-02T16:00:00+08:00"
    assert (mail["channel"], mail["code"]) == ("email", None)
    assert mail["created_at"] == "2026-12-02T16:00:30+08:00"
    assert [m["to"] for m in call.outbox("13800138000")] == ["13800138000"]
    assert call.outbox("13000000000") == []


def test_outbox_page_polls_the_json(client: TestClient) -> None:
    page = client.get("/outbox")
    assert page.status_code == 200
    assert "发件箱" in page.text
    assert "/static/outbox.js" in page.text
    script = client.get("/static/outbox.js").text
    assert "/api/outbox" in script
    assert "2000" in script


def test_landing_lists_what_to_type(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    for value in ("13800138000", "13900139000", "202612010002", TX_PENDING, TX_STUCK, "SN10K1P04571", SEED_REPAIR_NO):
        assert value in page.text, value
    for journey in ("忘记密码", "账号被盗", "异常登录", "充值失败", "转账未到账", "催发货", "报修"):
        assert journey in page.text


def test_landing_shows_faults_and_live_state(call: Caller) -> None:
    call("freeze_account", user_id="100001")
    call.client.post("/api/faults", json={"action": "find_order", "mode": "error"})
    page = call.client.get("/").text
    assert "已冻结" in page
    assert "故障演练进行中" in page


def test_own_store_file_and_seed_kept_across_restarts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with TestClient(create_demo_system(data, SECRET), client=("127.0.0.1", 1)) as first:
        first.post("/api/faults", json={"action": "find_user", "mode": "error"})
    assert (data / STORE_FILE).exists()
    assert not (data / "kefu.db").exists()
    with TestClient(create_demo_system(data, SECRET)) as second:
        assert second.get("/api/faults").json() == {"faults": {}}  # faults live in memory only
        assert "13800138000" in second.get("/").text


def test_action_names_and_urls() -> None:
    assert len(ACTIONS) == 17
    assert action_url("http://127.0.0.1:8001/", "find_user") == "http://127.0.0.1:8001/api/actions/find_user"
    try:
        action_url("http://x", "nope")
    except ValueError:
        pass
    else:
        raise AssertionError("unknown action accepted")
