"""A small company backend for the tests: a real HTTP server that checks kefu's signature with the
contract's ``verify``, keeps the first answer per idempotency key, and answers as each test sets."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from kefu.integrations.signing import verify
from tests.support import free_port

SECRET = "test-shared-secret-0123"


@dataclass
class Seen:
    """One request as the backend received it."""

    action: str
    key: str
    host: str
    signed: bool
    body: dict[str, Any]


@dataclass
class BackendState:
    """What the backend does (``modes`` by action name) and what it saw."""

    modes: dict[str, str] = field(default_factory=dict)
    failures_left: dict[str, int] = field(default_factory=dict)
    delay_s: float = 1.0
    seen: list[Seen] = field(default_factory=list)
    answered: dict[tuple[str, str], tuple[int, dict[str, Any]]] = field(default_factory=dict)
    work_done: dict[str, int] = field(default_factory=dict)

    def reset(self) -> None:
        self.modes.clear()
        self.failures_left.clear()
        self.seen.clear()
        self.answered.clear()
        self.work_done.clear()

    def of(self, action: str) -> list[Seen]:
        return [s for s in self.seen if s.action == action]


def _answer(state: BackendState, action: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    """The answer to store, or None for a failure (not stored: a retry may succeed)."""
    mode = state.modes.get(action, "ok")
    if mode == "flaky" and state.failures_left.get(action, 0) > 0:
        state.failures_left[action] -= 1
        return None
    state.work_done[action] = state.work_done.get(action, 0) + 1
    if mode == "not_found":
        return 404, {"outcome": "not_found", "message": "no such order"}
    if mode == "refused":
        return 409, {"outcome": "refused", "data": {"reason": "already_credited"}, "message": "已到账"}
    if mode == "refused_ok":
        return 200, {"outcome": "refused", "data": {"reason": "wrong_code"}}
    if mode == "forbidden":
        return 403, {"outcome": "refused", "data": {"reason": "not_allowed"}}
    return 200, {"outcome": "ok", "data": {"echo": params, "work": state.work_done[action]}}


def create_backend(state: BackendState, secret: str = SECRET) -> FastAPI:
    app = FastAPI()

    @app.post("/api/actions/{action}")
    async def act(action: str, request: Request) -> Response:
        body = await request.body()
        signed = verify(
            secret,
            request.headers.get("x-kefu-timestamp", ""),
            body,
            request.headers.get("x-kefu-signature", ""),
        )
        key = request.headers.get("idempotency-key", "")
        parsed = json.loads(body)
        state.seen.append(Seen(action, key, request.headers.get("host", ""), signed, parsed))
        if not signed:
            return JSONResponse({"outcome": "refused", "error": "bad_signature"}, status_code=401)
        mode = state.modes.get(action, "ok")
        if mode == "error":
            return JSONResponse({"error": "boom"}, status_code=500)
        if mode == "busy":
            return JSONResponse({"error": "slow down"}, status_code=429)
        if mode == "bad_request":
            return JSONResponse({"error": "what"}, status_code=400)
        if mode == "not_json":
            return Response("hello", media_type="text/plain")
        if mode == "huge":
            return Response(b"x" * (2 << 20), media_type="application/json")
        if mode == "slow":
            await asyncio.sleep(state.delay_s)
        stored = state.answered.get((action, key))
        if stored is None:
            fresh = _answer(state, action, parsed["params"])
            if fresh is None:
                return JSONResponse({"error": "try again"}, status_code=503)
            state.answered[(action, key)] = stored = fresh
        status, payload = stored
        return JSONResponse(payload, status_code=status)

    return app


class Backend:
    """The backend running on a free port of 127.0.0.1 in a thread."""

    def __init__(self) -> None:
        self.state = BackendState()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_backend(self.state),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def url(self, action: str) -> str:
        return f"{self.base}/api/actions/{action}"

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test backend did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
