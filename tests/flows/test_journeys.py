"""The seven journeys of the demo end to end: customer ↔ bot ↔ flow ↔ signed HTTP ↔ the demo business
system (a real server in a thread), and what happens when that system fails mid-flow."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from kefu.app import create_app
from kefu.config import Settings
from kefu.demo import connect_demo_system
from tests.bot.test_bot_flow import _ask, _drain, _start
from tests.conftest import _persona, login, seed
from tests.support import ADMIN, DemoSystemServer, SettlingClient, TickingClock

SECRET = "journeys-test-secret"


@pytest.fixture
def demo_system(tmp_path: Any) -> Iterator[DemoSystemServer]:
    server = DemoSystemServer(tmp_path / "demo-system", SECRET)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def journeys(settings: Settings, clock: TickingClock, demo_system: DemoSystemServer) -> Iterator[TestClient]:
    """The bot with the demo's flows, its actions pointing at the demo system."""
    bot_settings = settings.model_copy(update={"bot_enabled": True, "flow_expiry_seconds": 0})
    seed(bot_settings)
    with SettlingClient(create_app(bot_settings, clock=clock)) as app:
        ctx = app.app.state.ctx  # type: ignore[attr-defined]
        assert app.portal.call(connect_demo_system, ctx, demo_system.url, SECRET) == 17  # type: ignore[union-attr]
        yield app


def _code(demo: DemoSystemServer, to: str) -> str:
    messages = httpx.get(f"{demo.url}/api/outbox", params={"to": to}).json()["messages"]
    return str(next(m["code"] for m in messages if m["code"]))


def _texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r["text"] for r in replies)


def _runs(app: TestClient, conv: int) -> list[dict[str, Any]]:
    admin = _persona(app)
    login(admin, ADMIN)
    return admin.get(f"/api/v1/conversations/{conv}/flows").json()["runs"]  # type: ignore[no-any-return]


def _conversation(customer: TestClient, conv: int) -> dict[str, Any]:
    return customer.get(f"/api/v1/conversations/{conv}").json()["conversation"]  # type: ignore[no-any-return]


def test_forgot_password_sends_a_reset_link_and_never_shows_the_code(
    journeys: TestClient, demo_system: DemoSystemServer
) -> None:
    customer, conv = _start(journeys)
    assert "手机号或邮箱" in _texts(_ask(journeys, customer, conv, "我忘记密码了"))
    assert "138****8000" in _texts(_ask(journeys, customer, conv, "13800138000"))
    code = _code(demo_system, "13800138000")
    done = _ask(journeys, customer, conv, code)
    assert "重置密码的链接已发送" in _texts(done)
    outbox = httpx.get(f"{demo_system.url}/api/outbox", params={"to": "zhangwei@example.com"}).json()["messages"]
    assert outbox[0]["link"]  # the link goes to the account's e-mail
    history = customer.get(f"/api/v1/conversations/{conv}/messages").json()["messages"]
    assert all(code not in m["text"] for m in history)
    assert not any("密码是" in m["text"] or "输入密码" in m["text"] for m in history)
    assert _runs(journeys, conv)[0]["status"] == "resolved"


def test_a_wrong_code_is_asked_again(journeys: TestClient, demo_system: DemoSystemServer) -> None:
    customer, conv = _start(journeys)
    _ask(journeys, customer, conv, "忘记密码")
    _ask(journeys, customer, conv, "zhangwei@example.com")
    code = _code(demo_system, "zhangwei@example.com")
    wrong = "000000" if code != "000000" else "111111"
    assert "验证码" in _texts(_ask(journeys, customer, conv, wrong))
    assert "重置密码的链接已发送" in _texts(_ask(journeys, customer, conv, code))


def test_account_stolen_freezes_then_hands_over_at_high_priority(
    journeys: TestClient, demo_system: DemoSystemServer
) -> None:
    customer, conv = _start(journeys)
    _ask(journeys, customer, conv, "我的账号被盗了")
    _ask(journeys, customer, conv, "13900139000")
    replies = _ask(journeys, customer, conv, _code(demo_system, "13900139000"))
    assert "账号已冻结" in _texts(replies)
    conversation = _conversation(customer, conv)
    assert conversation["status"] in ("queued", "assigned")
    assert conversation["handover_reason"] == "flow_account_stolen"
    (run,) = _runs(journeys, conv)
    assert run["summary"]["reason"] == "account_stolen"
    assert {"action": "freeze_account", "outcome": "ok"}.items() <= run["summary"]["calls"][-1].items()
    assert [c["value"] for c in run["summary"]["collected"] if c["slot"] == "code"] == ["••••••"]
    admin = _persona(journeys)
    login(admin, ADMIN)
    waiting = admin.get("/api/v1/routing/queues").json()
    assert any(w["priority"] >= 8 for w in _waiting_items(waiting)), waiting


def _waiting_items(body: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for value in body.values():
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    items.extend(item.get("waiting", [item]))
    return items


def test_unusual_login_not_me_freezes(journeys: TestClient, demo_system: DemoSystemServer) -> None:
    customer, conv = _start(journeys)
    _ask(journeys, customer, conv, "收到异常登录提醒")
    _ask(journeys, customer, conv, "13800138000")
    logins = _texts(_ask(journeys, customer, conv, _code(demo_system, "13800138000")))
    assert "海外" in logins
    assert "已冻结您的账号" in _texts(_ask(journeys, customer, conv, "不是我"))


def test_payment_debited_not_credited_is_refunded_once(journeys: TestClient) -> None:
    customer, conv = _start(journeys)
    first = _texts(_ask(journeys, customer, conv, "订单 202612010002 充值了钱扣了但是余额没到账"))
    assert "已扣款，但还没有到账" in first
    refund = _texts(_ask(journeys, customer, conv, "申请退款"))
    assert "退款已提交" in refund
    assert "个工作日内" in refund
    again, conv2 = _start(journeys, "李四")
    assert "已退款" in _texts(_ask(journeys, again, conv2, "202612010002 支付失败了"))


def test_payment_by_recent_orders(journeys: TestClient) -> None:
    customer, conv = _start(journeys)
    _ask(journeys, customer, conv, "充值失败")
    _ask(journeys, customer, conv, "不记得订单号")
    (pick,) = _ask(journeys, customer, conv, "13800138000")
    labels = [b["send"] for b in pick["meta"]["buttons"]]
    assert "202612010001" in labels  # 张伟's recent orders, as buttons
    assert "已支付成功" in _texts(_ask(journeys, customer, conv, "202612010001"))


def test_wallet_transfer_pending_is_explained_and_stuck_is_handed_over(journeys: TestClient) -> None:
    customer, conv = _start(journeys)
    pending = "0x2744c8c3b748d5cdf42e5cada4f7111eaad5c64ba16a408c759b64814937c5dd"
    assert "3/12" in _texts(_ask(journeys, customer, conv, f"转账未到账 {pending}"))
    other, conv2 = _start(journeys, "王五")
    stuck = "0xcefad571222c6bee9d43af98d24e58e8db68fee996d4e9bb95998a02f6904c85"
    _ask(journeys, other, conv2, stuck)
    assert _conversation(other, conv2)["handover_reason"] == "flow_transfer_stuck"


def test_shipping_overdue_urges_the_warehouse(journeys: TestClient) -> None:
    customer, conv = _start(journeys)
    reply = _texts(_ask(journeys, customer, conv, "催发货，订单202612010005"))
    assert "加急催促仓库" in reply


def test_repair_then_its_progress(journeys: TestClient) -> None:
    customer, conv = _start(journeys)
    _ask(journeys, customer, conv, "我要报修")
    _ask(journeys, customer, conv, "K1 Pro")
    assert "保修期内" in _texts(_ask(journeys, customer, conv, "SN10K1P04571"))
    _ask(journeys, customer, conv, "屏幕不亮了")
    filed = _texts(_ask(journeys, customer, conv, "13700137000"))
    assert "维修单号 R" in filed
    repair_no = filed.split("维修单号 ")[1][:12]
    assert _runs(journeys, conv)[0]["status"] == "ticket"
    progress = _texts(_ask(journeys, customer, conv, f"维修进度 {repair_no}"))
    assert repair_no in progress


def test_a_backend_error_mid_flow_hands_over_with_the_summary(
    journeys: TestClient, demo_system: DemoSystemServer
) -> None:
    httpx.post(f"{demo_system.url}/api/faults", json={"action": "find_order", "mode": "error"}).raise_for_status()
    customer, conv = _start(journeys)
    told = _texts(_ask(journeys, customer, conv, "订单 202612010002 充值没到账"))
    assert "系统暂时无法处理" in told
    (run,) = _runs(journeys, conv)
    assert run["summary"]["reason"] == "system_unavailable"
    assert run["summary"]["calls"] == [
        {
            "step": "find",
            "action": "find_order",
            "outcome": "unavailable",
            "message": run["summary"]["calls"][0]["message"],
        }
    ]
    assert _conversation(customer, conv)["status"] in ("queued", "assigned")


def test_a_timeout_is_retried_with_the_same_key_and_nothing_is_done_twice(
    journeys: TestClient, demo_system: DemoSystemServer
) -> None:
    admin = _persona(journeys)
    login(admin, ADMIN)
    changed = admin.put("/api/v1/integrations/actions/request_refund", json={"timeout_ms": 300, "max_attempts": 2})
    assert changed.status_code == 200, changed.text
    _drain(journeys)
    httpx.post(
        f"{demo_system.url}/api/faults", json={"action": "request_refund", "mode": "slow", "delay_s": 1}
    ).raise_for_status()
    customer, conv = _start(journeys)
    _ask(journeys, customer, conv, "订单 202612010002 充值没到账")
    assert "系统暂时无法处理" in _texts(_ask(journeys, customer, conv, "申请退款"))
    # The slow requests finish on the demo system's side after kefu gave up: one refund, however many tries.
    refunds = _refunds_when_settled(demo_system, "202612010002")
    assert refunds == 1
    httpx.post(f"{demo_system.url}/api/faults", json={"action": "request_refund", "mode": "none"}).raise_for_status()
    again, conv2 = _start(journeys, "李四")
    assert "已退款" in _texts(_ask(journeys, again, conv2, "订单 202612010002 充值没到账"))
    assert _refunds_when_settled(demo_system, "202612010002") == 1


def _refunds_when_settled(demo: DemoSystemServer, order_no: str) -> int:
    """Refunds of the order once no request is in flight on the demo system (waits on that condition)."""
    deadline = time.monotonic() + 30
    database = demo.data_dir / "demo_system.sqlite3"
    while True:
        with sqlite3.connect(database) as db:
            count = db.execute("SELECT count(*) FROM refunds WHERE order_no = ?", (order_no,)).fetchone()[0]
        if count >= 1 or time.monotonic() > deadline:
            return int(count)
        time.sleep(0.05)


def test_a_wrong_secret_is_refused_and_the_customer_handed_over(
    journeys: TestClient, demo_system: DemoSystemServer
) -> None:
    admin = _persona(journeys)
    login(admin, ADMIN)
    changed = admin.put("/api/v1/integrations/actions/shipment_status", json={"secret": "x" * 24})
    assert changed.status_code == 200, changed.text
    _drain(journeys)
    customer, conv = _start(journeys)
    assert "系统暂时无法处理" in _texts(_ask(journeys, customer, conv, "查物流 202612010001"))
    outbox = httpx.get(f"{demo_system.url}/api/outbox").json()["messages"]
    assert outbox == []
