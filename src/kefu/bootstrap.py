"""Opening a node's context outside a request: used by the app's lifespan and the CLI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from kefu.bus import InProcessBus
from kefu.clock import Clock, SystemClock
from kefu.config import Settings
from kefu.context import Context
from kefu.storage.database import create_engine, create_session_factory
from kefu.storage.migrate import upgrade


@asynccontextmanager
async def open_context(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Context]:
    """Prepare the data folder, migrate the database, and yield a context; dispose of it after."""
    settings.ensure_data_dir()
    engine = create_engine(settings.database_url)
    bus = InProcessBus()
    try:
        await upgrade(engine)
        yield Context(settings, create_session_factory(engine), bus, clock or SystemClock())
    finally:
        await bus.close()
        await engine.dispose()
