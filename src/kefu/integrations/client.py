"""Calling one action of the company's backend: signed JSON over HTTP, bounded retries, one outcome.

Flows branch on four outcomes, so every way a call can end maps to exactly one (docs/integrations.md):
the backend's own answer (``ok`` / ``not_found`` / ``refused``) or ``unavailable`` — kefu could not get
an answer it can trust, and the flow should apologise or hand over. Failures that may pass (408, 429,
5xx, timeouts, connection errors) are retried with the same ``Idempotency-Key``, so the backend does a
repeated call's work once; the others are not, because asking again gets the same answer. Each attempt
is signed afresh (the timestamp is part of the signature) and its URL checked afresh (DNS rebinding).

``Outcome.backend_ms`` is the time spent waiting on the backend, so a benchmark can subtract it and see
kefu's own cost. Each call logs one line (action, outcome, attempts, times, HTTP status, the params with
the values of ``sensitive`` keys masked); the secret is never logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import httpx

from kefu.errors import InvalidInput
from kefu.integrations import ssrf
from kefu.integrations.config import ActionConfig
from kefu.integrations.signing import sign
from kefu.storage.repositories import integrations as repo

if TYPE_CHECKING:
    from kefu.context import Context

log = logging.getLogger(__name__)

OutcomeKind = Literal["ok", "not_found", "refused", "unavailable"]
ANSWERS: tuple[OutcomeKind, ...] = ("ok", "not_found", "refused")
REFUSED_STATUSES = frozenset({403, 409, 422})
RETRY_STATUSES = frozenset({408, 429})
MAX_KEY = 128
MAX_RESPONSE_BYTES = 1 << 20
BACKOFF_S = 0.1  # before the 2nd attempt; doubles each time, capped, with a little jitter
BACKOFF_CAP_S = 1.0
MASK = "***"
USER_AGENT = "kefu-integrations/1"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a call ended. ``data`` and ``message`` are the backend's (``message`` is kefu's reason when
    ``unavailable``); ``attempts`` counts HTTP requests made; times are in milliseconds."""

    kind: OutcomeKind
    data: dict[str, Any] = field(default_factory=dict)
    message: str | None = None
    attempts: int = 0
    elapsed_ms: float = 0.0
    backend_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "kind": self.kind,
            "data": self.data,
            "message": self.message,
            "attempts": self.attempts,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "backend_ms": round(self.backend_ms, 1),
        }


@dataclass(slots=True)
class _Attempt:
    """One attempt's result: an outcome, or a retryable failure (``kind is None``) with its reason."""

    kind: OutcomeKind | None
    data: dict[str, Any]
    message: str | None
    status: int | None


async def actions(ctx: Context) -> dict[str, ActionConfig]:
    """The configured actions by name, from the node's cache (read from the database when empty)."""
    runtime = ctx.integrations
    cached = runtime.cached
    if cached is not None:
        return cached
    async with runtime.load_lock:
        cached = runtime.cached
        if cached is not None:
            return cached
        generation = runtime.generation
        async with ctx.uow() as uow:
            rows = await repo.all_actions(uow.session)
            loaded = {
                row.name: ActionConfig(
                    row.name,
                    row.url,
                    row.secret,
                    row.timeout_ms,
                    row.max_attempts,
                    row.allow_private,
                    row.enabled,
                    row.description,
                )
                for row in rows
            }
        runtime.store(loaded, generation)
        return loaded


async def call(
    ctx: Context,
    action: str,
    params: Mapping[str, Any],
    *,
    idempotency_key: str,
    context: Mapping[str, Any],
    sensitive: Set[str] = frozenset(),
) -> Outcome:
    """Call ``action`` with ``params``; never raises for anything the backend or network does.

    ``idempotency_key`` (1–128 characters) names this logical call: the same key for a retry of the
    same step, so the backend does its work once. ``context`` fills the body's ``context``
    (``conversation_id``, ``customer_id``, ``flow``, ``locale``). An unknown or disabled action is
    ``unavailable``. Raises ``InvalidInput`` only for a bad key or params that are not JSON.
    """
    config = (await actions(ctx)).get(action)
    if config is None:
        return _finish(
            action, Outcome("unavailable", message=f"no action named {action!r} is configured"), params, sensitive
        )
    if not config.enabled:
        return _finish(action, Outcome("unavailable", message=f"the action {action!r} is disabled"), params, sensitive)
    return await call_config(ctx, config, params, idempotency_key=idempotency_key, context=context, sensitive=sensitive)


async def call_config(
    ctx: Context,
    config: ActionConfig,
    params: Mapping[str, Any],
    *,
    idempotency_key: str,
    context: Mapping[str, Any],
    sensitive: Set[str] = frozenset(),
) -> Outcome:
    """``call`` with a given configuration, enabled or not (the console's 测试 button)."""
    if not 1 <= len(idempotency_key) <= MAX_KEY or not idempotency_key.isprintable():
        raise InvalidInput(f"the idempotency key must be 1–{MAX_KEY} printable characters", code="bad_idempotency_key")
    body = _body(ctx, config.name, params, context)
    started = time.perf_counter()
    backend_s = 0.0
    attempts = 0
    result = _Attempt(None, {}, "not attempted", None)
    while attempts < config.max_attempts:
        if attempts:
            await asyncio.sleep(_backoff(attempts))
        try:
            target = await ssrf.check_url(config.url, allow_private=config.allow_private)
        except ssrf.UnsafeURL as exc:
            result = _Attempt("unavailable", {}, exc.message, None)
            break
        attempts += 1
        sent = time.perf_counter()
        result = await _attempt(ctx, config, target, body, idempotency_key)
        backend_s += time.perf_counter() - sent
        if result.kind is not None:
            break
    outcome = Outcome(
        result.kind or "unavailable",
        result.data,
        result.message,
        attempts,
        (time.perf_counter() - started) * 1000,
        backend_s * 1000,
    )
    return _finish(config.name, outcome, params, sensitive, status=result.status)


def _body(ctx: Context, action: str, params: Mapping[str, Any], context: Mapping[str, Any]) -> bytes:
    full_context = {
        "conversation_id": None,
        "customer_id": None,
        "flow": None,
        "locale": ctx.settings.default_locale,
        **context,
    }
    try:
        text = json.dumps(
            {"action": action, "params": dict(params), "context": full_context},
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
        )
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"the params are not JSON: {exc}", code="bad_params") from exc
    return text.encode()


def _backoff(done: int) -> float:
    """Seconds to wait after ``done`` failed attempts: 0.1, 0.2, 0.4 … up to 1 s, ±20 %."""
    base = min(BACKOFF_S * 2.0 ** (done - 1), BACKOFF_CAP_S)
    return base * random.uniform(0.8, 1.2)


async def _attempt(ctx: Context, config: ActionConfig, target: ssrf.CheckedTarget, body: bytes, key: str) -> _Attempt:
    """One signed request to the checked address, read up to ``MAX_RESPONSE_BYTES``."""
    timestamp = int(time.time())
    headers = {
        "Host": target.host_header,
        "Content-Type": "application/json",
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
        "X-Kefu-Action": config.name,
        "X-Kefu-Timestamp": str(timestamp),
        "X-Kefu-Signature": sign(config.secret, timestamp, body),
        "Idempotency-Key": key,
    }
    request = ctx.integrations.http().build_request(
        "POST",
        target.pinned_url,
        content=body,
        headers=headers,
        timeout=httpx.Timeout(config.timeout_ms / 1000),
        extensions={"sni_hostname": target.host},
    )
    deadline = config.timeout_ms / 1000  # the whole attempt, not only each read, is bounded
    try:
        async with asyncio.timeout(deadline):
            response = await ctx.integrations.http().send(request, stream=True)
            try:
                raw = await _read_capped(response)
            except _TooLarge:
                too_large = f"the answer is larger than {MAX_RESPONSE_BYTES} bytes"
                return _Attempt("unavailable", {}, too_large, response.status_code)
            finally:
                await response.aclose()
    except (TimeoutError, httpx.TimeoutException):
        return _Attempt(None, {}, f"no answer within {config.timeout_ms} ms", None)
    except httpx.TransportError as exc:
        return _Attempt(None, {}, f"could not reach the backend: {type(exc).__name__}", None)
    return _interpret(config.name, response.status_code, raw)


class _TooLarge(Exception):
    """The backend's answer is larger than kefu reads."""


async def _read_capped(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _data_and_message(body: dict[str, Any] | None) -> tuple[dict[str, Any], str | None]:
    if body is None:
        return {}, None
    data = body.get("data")
    message = body.get("message")
    return (data if isinstance(data, dict) else {}), (message if isinstance(message, str) else None)


def _interpret(action: str, status: int, raw: bytes) -> _Attempt:
    """The outcome of one HTTP answer, as the contract's table says (None: retry)."""
    body = _json_object(raw)
    data, message = _data_and_message(body)
    if 200 <= status < 300:
        kind = body.get("outcome") if body is not None else None
        if kind in ANSWERS and isinstance(body, dict) and isinstance(body.get("data", {}), dict):
            return _Attempt(kind, data, message, status)
        return _Attempt("unavailable", {}, "the backend's answer is not a valid outcome", status)
    if status == 404:
        return _Attempt("not_found", data, message, status)
    if status in REFUSED_STATUSES:
        return _Attempt("refused", data, message, status)
    if status == 401:
        log.warning("integration %s: the backend refused kefu's signature (401): check the shared secret", action)
        return _Attempt("unavailable", {}, "the backend refused kefu's signature: check the shared secret", status)
    if status in RETRY_STATUSES or status >= 500:
        return _Attempt(None, {}, f"the backend answered HTTP {status}", status)
    return _Attempt("unavailable", {}, f"the backend answered HTTP {status}", status)


def masked(params: Mapping[str, Any], sensitive: Set[str]) -> dict[str, Any]:
    """``params`` with the values of ``sensitive`` keys (at any depth) replaced by ``***``."""

    def mask(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: MASK if k in sensitive else mask(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [mask(v) for v in value]
        return value

    result: dict[str, Any] = mask(params)
    return result


def _finish(
    action: str, outcome: Outcome, params: Mapping[str, Any], sensitive: Set[str], *, status: int | None = None
) -> Outcome:
    log.info(
        "integration action=%s outcome=%s attempts=%d ms=%.1f backend_ms=%.1f status=%s params=%s%s",
        action,
        outcome.kind,
        outcome.attempts,
        outcome.elapsed_ms,
        outcome.backend_ms,
        status if status is not None else "-",
        json.dumps(masked(params, sensitive), ensure_ascii=False, default=str),
        f" reason={outcome.message!r}" if outcome.kind == "unavailable" else "",
    )
    return outcome
