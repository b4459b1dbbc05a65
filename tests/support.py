"""Test helpers: a clock that ticks, a live server in a thread, and personas."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import uvicorn
from fastapi.testclient import TestClient
from httpx import Response

from kefu.app import create_app, settle
from kefu.bootstrap import open_context
from kefu.config import Settings
from kefu.demo import seed_demo
from kefu.demo_system.app import create_demo_system

AGENT1 = ("agent1", "agent-demo-123")
AGENT2 = ("agent2", "agent-demo-123")
ADMIN = ("admin", "admin-demo-123")


class SettlingClient(TestClient):
    """A test client that, after each request, waits until the events it caused have been handled
    (the bus delivers after the response; tests wait on that condition, not on time)."""

    def request(self, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        response = super().request(*args, **kwargs)
        if self.portal is not None:
            self.portal.call(settle, self.app)  # type: ignore[arg-type]
        return response


class TickingClock:
    """A deterministic clock that moves 1 ms each time it is read (so orderings are stable)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        self._now += timedelta(milliseconds=1)
        return self._now

    def advance(self, **kwargs: float) -> None:
        self._now += timedelta(**kwargs)


def run_async(factory: Callable[[], Coroutine[Any, Any, object]]) -> None:
    """Run a coroutine to completion on a fresh event loop in its own thread.

    A thread, because sync Playwright keeps an event loop running in the main thread during browser
    tests, where ``asyncio.run`` would refuse to start.
    """
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(factory())
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


class SeedTemplates(Protocol):
    """What ``seed`` needs of ``tests.db_templates.Templates`` (which imports this module)."""

    def seed(self, url: str, clock_kind: str) -> bool: ...


_TEMPLATES: list[SeedTemplates] = []


def use_templates(templates: SeedTemplates | None) -> None:
    """Let ``seed`` clone seeded templates (set for the session by the ``templates`` fixture)."""
    _TEMPLATES.clear()
    if templates is not None:
        _TEMPLATES.append(templates)


def seed_from_template(settings: Settings, clock_kind: str) -> bool:
    """Swap the test's still untouched database for a copy of the seeded template; False if it is
    not untouched (or there are no templates), and the caller seeds it the slow way."""
    settings.ensure_data_dir()
    return bool(_TEMPLATES) and _TEMPLATES[0].seed(settings.database_url, clock_kind)


def seed(settings: Settings) -> None:
    """Load the demo organisation into the database ``settings`` points at."""
    if seed_from_template(settings, "system"):
        return

    async def run() -> None:
        async with open_context(settings) as ctx:
            await seed_demo(ctx)

    run_async(run)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A real uvicorn server for kefu on a free port, in a background thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=self.port, log_level="warning", ws_max_size=1 << 20
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("kefu server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


class DemoSystemServer(LiveServer):
    """The demo company's business system on a free port, in a background thread (as ``kefu demo``
    runs it beside kefu)."""

    def __init__(self, data_dir: Path, secret: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        app = create_demo_system(data_dir, secret)
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)


@contextmanager
def live_server(settings: Settings) -> Iterator[LiveServer]:
    server = LiveServer(settings)
    server.start()
    try:
        yield server
    finally:
        server.stop()
