"""Builds the ASGI app: routers, error mapping, and the lifespan that opens the database and bus."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from kefu import __version__
from kefu.bootstrap import open_context
from kefu.bot.service import BotService
from kefu.bus import Delivery
from kefu.channels.registry import Channels, outbound_listener
from kefu.clock import Clock
from kefu.config import Settings
from kefu.flows.backend import call_action
from kefu.flows.runtime import FlowRuntime
from kefu.integrations import sync as integrations_sync
from kefu.notify import worker as notify_worker
from kefu.routing import runtime as routing_runtime
from kefu.texts import sync as texts_sync
from kefu.tickets import sweep as ticket_sweep
from kefu.web import (
    api_auth,
    api_bot,
    api_bot_settings,
    api_canned,
    api_conversations,
    api_flows,
    api_integrations,
    api_notes,
    api_notify,
    api_routing,
    api_texts,
    api_tickets,
    api_visitor,
    pages,
    ws,
)
from kefu.web.errors import install_error_handlers
from kefu.web.hub import Hub

STATIC = Path(__file__).parent / "web" / "static"


async def settle(app: FastAPI) -> None:
    """Wait until every event published so far, and everything it set off (bot answers, routing), has
    been handled: what tests wait on instead of time."""
    ctx = app.state.ctx
    bot: BotService | None = app.state.bot
    while True:
        await ctx.bus.drain()
        if bot is not None:
            await bot.drain()
        if ctx.bus.idle and (bot is None or bot.idle):
            return


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """The kefu web application; migrations run at start-up."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_context(settings, clock) as ctx:
            stop_texts = await texts_sync.start(ctx)
            stop_integrations = integrations_sync.start(ctx)
            hub = Hub(ctx)
            unsubscribe = ctx.bus.subscribe(hub.on_event, Delivery.EVERY_NODE)
            channels = Channels()
            stop_outbound = ctx.bus.subscribe(outbound_listener(ctx, channels), Delivery.ONCE)
            app.state.channels = channels
            stop_routing = await routing_runtime.start(ctx)
            stop_tickets = ticket_sweep.start(ctx)
            app.state.notify, stop_notify = await notify_worker.start(ctx)
            app.state.ctx = ctx
            app.state.hub = hub
            flows = FlowRuntime(ctx, call_action)
            stop_flows = await flows.start()
            app.state.flows = flows
            app.state.bot = BotService(ctx, flows) if settings.bot_enabled else None
            stop_bot = await app.state.bot.start() if app.state.bot is not None else None
            # Everything built so far lives as long as the node: keep it out of the collector's sweeps,
            # whose full passes over it paused message delivery for 60–230 ms (docs/performance.md).
            gc.collect()
            gc.freeze()
            try:
                yield
            finally:
                gc.unfreeze()
                await settle(app)
                if stop_bot is not None:
                    stop_bot()
                    await app.state.bot.drain()
                stop_flows()
                await stop_tickets()
                await stop_routing()
                await stop_notify()
                stop_outbound()
                unsubscribe()
                stop_texts()
                stop_integrations()
                await ctx.bus.close()

    app = FastAPI(
        title="kefu",
        version=__version__,
        summary="Online customer service: REST and WebSocket API for the widget, apps and the agent console.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    for module in (
        api_auth,
        api_visitor,
        api_conversations,
        api_bot,
        api_bot_settings,
        api_routing,
        api_texts,
        api_flows,
        api_integrations,
        api_tickets,
        api_canned,
        api_notify,
        api_notes,
        ws,
        pages,
    ):
        app.include_router(module.router)
    app.include_router(api_notify.pages)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
