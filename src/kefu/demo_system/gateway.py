"""The door kefu knocks on: check the signature, apply a fault, replay or run the action, remember it.

Order matters: an unsigned or stale request is turned away (401) before anything else, so it can
neither do anything nor learn whether a fault is set; an answer is stored under its Idempotency-Key
in the same transaction as the action's changes, so a retry can never do the work twice.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from kefu.clock import Clock
from kefu.demo_system import signing
from kefu.demo_system.actions import HANDLERS
from kefu.demo_system.actions.base import ActionContext, BadParams, Params
from kefu.demo_system.faults import Faults
from kefu.demo_system.store import IdempotentResponse, Store

MAX_KEY_CHARS = 128
REPLAYED_HEADER = "Idempotent-Replayed"


class Gateway:
    """Answers ``POST /api/actions/{name}``."""

    def __init__(self, store: Store, secret: str, clock: Clock, faults: Faults) -> None:
        self._store = store
        self._secret = secret
        self._clock = clock
        self._faults = faults
        # One action at a time: the store is one SQLite file, and a repeat racing its first call must wait
        # for the first answer to be stored rather than run the action again.
        self.lock = asyncio.Lock()

    def genuine(self, raw: bytes, request: Request) -> bool:
        """Whether ``raw`` came signed by kefu (fresh timestamp, matching HMAC)."""
        headers = request.headers
        return signing.verify(
            self._secret, headers.get("X-Kefu-Timestamp"), headers.get("X-Kefu-Signature"), raw, self._clock.now()
        )

    async def handle(self, name: str, request: Request) -> JSONResponse:
        """Run the action ``name`` for a signed request."""
        raw = await request.body()
        headers = request.headers
        if not signing.verify(
            self._secret, headers.get("X-Kefu-Timestamp"), headers.get("X-Kefu-Signature"), raw, self._clock.now()
        ):
            return _answer(401, {"outcome": "refused", "error": "bad_signature", "data": {}, "message": "签名校验失败"})
        handler = HANDLERS.get(name)
        if handler is None:
            return _answer(404, {"outcome": "not_found", "data": {"reason": "unknown_action"}, "message": None})
        fault = self._faults.get(name)
        if fault is not None and fault.mode == "error":
            return _answer(500, {"error": "injected_fault", "message": "业务系统内部错误（故障演练）"})
        if fault is not None and fault.mode == "slow":
            await asyncio.sleep(fault.delay_s)
        try:
            params, key = _parse(name, raw, headers.get("X-Kefu-Action"), headers.get("Idempotency-Key"))
        except BadParams as exc:
            return _bad_params(exc)
        async with self.lock:
            return await self._run(name, params, key, str(request.base_url).rstrip("/"))

    async def _run(self, name: str, params: Params, key: str | None, base_url: str) -> JSONResponse:
        async with self._store.session() as session:
            if key is not None:
                stored = await session.get(IdempotentResponse, (name, key))
                if stored is not None:
                    return _answer(stored.status, json.loads(stored.body), replayed=True)
            now = self._clock.now()
            try:
                result = await HANDLERS[name](ActionContext(session, now, base_url), params)
            except BadParams as exc:
                await session.rollback()
                return _bad_params(exc)
            body = result.body()
            if key is not None:
                session.add(
                    IdempotentResponse(
                        action=name, key=key, status=200, body=json.dumps(body, ensure_ascii=False), created_at=now
                    )
                )
            await session.commit()
            return _answer(200, body)


def _parse(name: str, raw: bytes, header_action: str | None, key: str | None) -> tuple[Params, str | None]:
    try:
        payload = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise BadParams("body", "must be JSON") from None
    if not isinstance(payload, dict):
        raise BadParams("body", "must be a JSON object")
    if payload.get("action", name) != name or (header_action or name) != name:
        raise BadParams("action", "does not match the URL")
    params = payload.get("params", {})
    if not isinstance(params, dict):
        raise BadParams("params", "must be an object")
    if key is not None and not 0 < len(key) <= MAX_KEY_CHARS:
        raise BadParams("Idempotency-Key", f"must be 1 to {MAX_KEY_CHARS} characters")
    return Params(params), key


def _bad_params(exc: BadParams) -> JSONResponse:
    data = {"reason": "bad_params", "param": exc.name, "problem": exc.problem}
    return _answer(422, {"outcome": "refused", "data": data, "message": "请求参数有误"})


def _answer(status: int, body: dict[str, Any], *, replayed: bool = False) -> JSONResponse:
    headers = {REPLAYED_HEADER: "true"} if replayed else None
    return JSONResponse(body, status_code=status, headers=headers)
