"""Run the demo system as a second uvicorn server in kefu's own event loop (``kefu demo``).

One process and one Ctrl-C: kefu's server owns the signal handlers; this one never installs any and
stops when the block around kefu's server ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Generator
from contextlib import asynccontextmanager, contextmanager

import uvicorn
from fastapi import FastAPI


class DemoSystemStartError(RuntimeError):
    """The demo system could not start (most often: its port is taken)."""


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to the server it runs beside."""

    @contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        """Install nothing."""
        yield


@asynccontextmanager
async def serve_beside(app: FastAPI, host: str, port: int, *, log_level: str = "info") -> AsyncIterator[uvicorn.Server]:
    """Serve ``app`` on ``host:port`` while the block runs; raises DemoSystemStartError if it cannot."""
    server = _QuietServer(uvicorn.Config(app, host=host, port=port, log_level=log_level))

    async def run() -> None:
        try:
            await server.serve()
        except SystemExit:  # uvicorn exits when it cannot bind or the app fails to start
            raise DemoSystemStartError(f"demo system could not start on {host}:{port}") from None

    task = asyncio.create_task(run(), name="demo-system")
    while not server.started:
        if task.done():
            await task  # raises the start error
            raise DemoSystemStartError(f"demo system stopped on start on {host}:{port}")
        await asyncio.sleep(0.05)
    try:
        yield server
    finally:
        server.should_exit = True
        await task
