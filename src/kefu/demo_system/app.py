"""The demo business system's ASGI app: ``create_demo_system(data_dir, secret)``.

kefu's CLI runs it beside kefu (``kefu demo``, see ``server.serve_beside``); tests build it with a
frozen clock. Everything lives in its own store under ``data_dir``, never in kefu's database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from kefu.clock import Clock, SystemClock
from kefu.demo_system import api, pages
from kefu.demo_system.faults import Faults
from kefu.demo_system.gateway import Gateway
from kefu.demo_system.seed import seed_if_empty
from kefu.demo_system.store import Store
from kefu.demo_system.system import DemoSystem

STATIC_DIR = Path(__file__).parent / "static"


def create_demo_system(data_dir: Path, secret: str, clock: Clock | None = None) -> FastAPI:
    """Build the app; its store is ``<data_dir>/demo_system.sqlite3``, seeded on first start."""
    the_clock = clock or SystemClock()
    store = Store(data_dir)
    faults = Faults()
    system = DemoSystem(store, the_clock, faults, Gateway(store, secret, the_clock, faults))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await store.create()
        async with store.session() as session:
            await seed_if_empty(session, the_clock.now())
        try:
            yield
        finally:
            await store.close()

    app = FastAPI(
        title="示例科技 业务系统（演示）",
        description="kefu 演示用的公司业务系统：签名的业务动作接口、短信/邮件发件箱和故障开关。",
        lifespan=lifespan,
    )
    app.state.demo = system
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.post("/api/actions/{name}", tags=["actions"], response_model=api.ActionAnswer)
    async def run_action(name: str, request: Request) -> JSONResponse:
        """Run one action for a request signed by kefu (see docs/integrations.md)."""
        return await system.gateway.handle(name, request)

    return app
