"""Calling the company's backend: signature, idempotency across retries, outcomes, timeouts, the cache."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from kefu.context import Context
from kefu.events import IntegrationsChanged
from kefu.integrations import admin, call, ssrf
from kefu.integrations import sync as integrations_sync
from kefu.integrations.client import MAX_RESPONSE_BYTES
from kefu.security.principals import AgentPrincipal
from tests.integrations.backend import SECRET, Backend

ADMIN = AgentPrincipal(1, "admin", "管理员", "admin", frozenset())
CONTEXT = {"conversation_id": 5, "customer_id": 7, "flow": "refund"}


async def _configure(ctx: Context, backend: Backend, name: str, **values: Any) -> None:
    fields: dict[str, Any] = {"url": backend.url(name), "secret": SECRET, "allow_private": True, **values}
    await admin.create_action(ctx, ADMIN, name, fields)


async def test_a_signed_call_comes_back_ok_with_the_backends_data(ctx: Context, backend: Backend) -> None:
    await _configure(ctx, backend, "find_order")
    outcome = await call(ctx, "find_order", {"order_no": "202612010001"}, idempotency_key="k-1", context=CONTEXT)
    assert outcome.kind == "ok"
    assert outcome.data["echo"] == {"order_no": "202612010001"}
    assert outcome.attempts == 1
    assert outcome.elapsed_ms >= outcome.backend_ms > 0
    (seen,) = backend.state.seen
    assert seen.signed
    assert seen.key == "k-1"
    assert seen.body == {
        "action": "find_order",
        "params": {"order_no": "202612010001"},
        "context": {"conversation_id": 5, "customer_id": 7, "flow": "refund", "locale": "zh-CN"},
    }


async def test_a_wrong_secret_is_unavailable_at_once_without_retry(ctx: Context, backend: Backend) -> None:
    await _configure(ctx, backend, "find_order", secret="not-the-shared-secret", max_attempts=3)
    outcome = await call(ctx, "find_order", {}, idempotency_key="k-2", context={})
    assert outcome.kind == "unavailable"
    assert outcome.attempts == 1
    assert "secret" in (outcome.message or "")
    assert [s.signed for s in backend.state.seen] == [False]


@pytest.mark.parametrize(
    ("mode", "kind", "data"),
    [
        ("not_found", "not_found", {}),
        ("refused", "refused", {"reason": "already_credited"}),
        ("forbidden", "refused", {"reason": "not_allowed"}),
        ("refused_ok", "refused", {"reason": "wrong_code"}),
        ("not_json", "unavailable", {}),
        ("bad_request", "unavailable", {}),
    ],
)
async def test_answers_map_to_outcomes_without_retry(
    ctx: Context, backend: Backend, mode: str, kind: str, data: dict[str, Any]
) -> None:
    await _configure(ctx, backend, "redeliver")
    backend.state.modes["redeliver"] = mode
    outcome = await call(ctx, "redeliver", {"order_no": "1"}, idempotency_key="k-3", context={})
    assert (outcome.kind, outcome.data, outcome.attempts) == (kind, data, 1)
    if mode == "refused":
        assert outcome.message == "已到账"


async def test_a_failure_that_passes_is_retried_with_the_same_key(ctx: Context, backend: Backend) -> None:
    await _configure(ctx, backend, "freeze_account", max_attempts=3)
    backend.state.modes["freeze_account"] = "flaky"
    backend.state.failures_left["freeze_account"] = 2
    outcome = await call(ctx, "freeze_account", {"user_id": "u1"}, idempotency_key="freeze-7", context={})
    assert (outcome.kind, outcome.attempts) == ("ok", 3)
    seen = backend.state.of("freeze_account")
    assert [s.key for s in seen] == ["freeze-7"] * 3
    assert all(s.signed for s in seen)
    assert backend.state.work_done["freeze_account"] == 1


async def test_a_repeated_call_with_the_same_key_gets_the_first_answer(ctx: Context, backend: Backend) -> None:
    await _configure(ctx, backend, "create_repair")
    first = await call(ctx, "create_repair", {"model": "K1 Pro"}, idempotency_key="r-1", context={})
    again = await call(ctx, "create_repair", {"model": "K1 Pro"}, idempotency_key="r-1", context={})
    other = await call(ctx, "create_repair", {"model": "K1 Pro"}, idempotency_key="r-2", context={})
    assert first.data == again.data != other.data
    assert backend.state.work_done["create_repair"] == 2


@pytest.mark.parametrize("mode", ["error", "busy"])
async def test_server_errors_are_retried_then_unavailable(ctx: Context, backend: Backend, mode: str) -> None:
    await _configure(ctx, backend, "find_user", max_attempts=3)
    backend.state.modes["find_user"] = mode
    outcome = await call(ctx, "find_user", {"phone": "13800138000"}, idempotency_key="u-1", context={})
    assert (outcome.kind, outcome.attempts) == ("unavailable", 3)
    assert [s.key for s in backend.state.of("find_user")] == ["u-1"] * 3


async def test_a_slow_backend_times_out_on_each_attempt_then_unavailable(ctx: Context, backend: Backend) -> None:
    await _configure(ctx, backend, "recent_logins", timeout_ms=150, max_attempts=2)
    backend.state.modes["recent_logins"] = "slow"
    outcome = await call(ctx, "recent_logins", {}, idempotency_key="slow-1", context={})
    assert (outcome.kind, outcome.attempts) == ("unavailable", 2)
    assert "150 ms" in (outcome.message or "")
    assert outcome.backend_ms < backend.state.delay_s * 1000
    assert [s.key for s in backend.state.of("recent_logins")] == ["slow-1"] * 2


async def test_an_oversized_answer_is_unavailable(ctx: Context, backend: Backend) -> None:
    await _configure(ctx, backend, "recent_orders")
    backend.state.modes["recent_orders"] = "huge"
    outcome = await call(ctx, "recent_orders", {}, idempotency_key="h-1", context={})
    assert outcome.kind == "unavailable"
    assert str(MAX_RESPONSE_BYTES) in (outcome.message or "")


async def test_unknown_and_disabled_actions_are_unavailable_without_a_request(ctx: Context, backend: Backend) -> None:
    unknown = await call(ctx, "nope", {}, idempotency_key="n-1", context={})
    assert (unknown.kind, unknown.attempts) == ("unavailable", 0)
    assert "nope" in (unknown.message or "")
    await _configure(ctx, backend, "sign_out_devices", enabled=False)
    disabled = await call(ctx, "sign_out_devices", {}, idempotency_key="n-2", context={})
    assert disabled.kind == "unavailable"
    assert "disabled" in (disabled.message or "")
    assert backend.state.seen == []


async def test_a_change_reaches_the_next_call(ctx: Context, backend: Backend) -> None:
    await _configure(ctx, backend, "find_order")
    assert (await call(ctx, "find_order", {}, idempotency_key="c-1", context={})).kind == "ok"
    await admin.update_action(ctx, ADMIN, "find_order", {"enabled": False})
    assert (await call(ctx, "find_order", {}, idempotency_key="c-2", context={})).kind == "unavailable"
    await admin.delete_action(ctx, ADMIN, "find_order")
    gone = await call(ctx, "find_order", {}, idempotency_key="c-3", context={})
    assert "no action" in (gone.message or "")


async def test_the_event_clears_the_cache_of_every_node(ctx: Context, backend: Backend) -> None:
    await _configure(ctx, backend, "find_order")
    await call(ctx, "find_order", {}, idempotency_key="e-1", context={})
    assert ctx.integrations.cached is not None
    stop = integrations_sync.start(ctx)
    try:
        await ctx.bus.publish(IntegrationsChanged("find_order"))
        await ctx.bus.drain()
    finally:
        stop()
    assert ctx.integrations.cached is None


async def test_sensitive_params_and_the_secret_stay_out_of_the_log(
    ctx: Context, backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    await _configure(ctx, backend, "verify_code")
    with caplog.at_level(logging.INFO, logger="kefu.integrations"):
        outcome = await call(
            ctx,
            "verify_code",
            {"user_id": "u-42", "code": "913577"},
            idempotency_key="v-1",
            context={},
            sensitive={"code"},
        )
    assert outcome.data["echo"]["code"] == "913577"  # the backend still gets the value
    lines = [r.getMessage() for r in caplog.records if r.name == "kefu.integrations.client"]
    assert len(lines) == 1
    assert "action=verify_code" in lines[0]
    assert "outcome=ok" in lines[0]
    assert "attempts=1" in lines[0]
    assert "u-42" in lines[0]
    assert "913577" not in caplog.text
    assert SECRET not in caplog.text


async def test_dns_rebinding_is_caught_at_call_time(
    ctx: Context, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = {"kefu-backend.test": [ssrf.ipaddress.ip_address("93.184.215.14")]}

    async def fake_resolve(host: str, _port: int) -> list[ssrf.IPAddress]:
        return answers[host]

    monkeypatch.setattr(ssrf, "resolve", fake_resolve)
    url = f"http://kefu-backend.test:{backend.port}/api/actions/find_order"
    await admin.create_action(ctx, ADMIN, "find_order", {"url": url, "secret": SECRET})
    answers["kefu-backend.test"] = [ssrf.ipaddress.ip_address("127.0.0.1")]
    outcome = await call(ctx, "find_order", {}, idempotency_key="d-1", context={})
    assert (outcome.kind, outcome.attempts) == ("unavailable", 0)
    assert "loopback" in (outcome.message or "")
    assert backend.state.seen == []


async def test_the_request_goes_to_the_checked_address_with_the_names_host_header(
    ctx: Context, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fake_resolve(_host: str, _port: int) -> list[ssrf.IPAddress]:
        return [ssrf.ipaddress.ip_address("127.0.0.1")]

    monkeypatch.setattr(ssrf, "resolve", fake_resolve)
    url = f"http://kefu-backend.test:{backend.port}/api/actions/find_order"
    await admin.create_action(ctx, ADMIN, "find_order", {"url": url, "secret": SECRET, "allow_private": True})
    outcome = await call(ctx, "find_order", {}, idempotency_key="p-1", context={})
    assert outcome.kind == "ok"  # "kefu-backend.test" resolves nowhere: kefu connected to the checked address
    assert backend.state.seen[0].host == f"kefu-backend.test:{backend.port}"
