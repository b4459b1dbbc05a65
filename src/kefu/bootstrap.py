"""Opening a node's context outside a request: used by the app's lifespan and the CLI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from kefu.bus import InProcessBus
from kefu.clock import Clock, SystemClock
from kefu.config import Settings
from kefu.context import Context
from kefu.storage.database import create_engine, create_session_factory
from kefu.storage.message_writer import open_writer
from kefu.storage.migrate import upgrade


@asynccontextmanager
async def open_context(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Context]:
    """Prepare the data folder, migrate the database, and yield a context; dispose of it after."""
    settings.ensure_data_dir()
    engine = create_engine(settings.database_url)
    bus = InProcessBus()
    try:
        await upgrade(engine)
        writer = open_writer(
            settings.database_url,
            max_in_flight=settings.message_max_in_flight,
            wait_seconds=settings.message_wait_seconds,
        )
        await writer.start()
        ctx = Context(settings, create_session_factory(engine), bus, clock or SystemClock(), writer)
        try:
            yield ctx
        finally:
            await ctx.integrations.aclose()
            await writer.close()
    finally:
        await bus.close()
        await engine.dispose()
