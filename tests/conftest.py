"""Shared fixtures: an isolated database per test (SQLite, or PostgreSQL when
``KEFU_TEST_DATABASE_URL`` is set) cloned from a template migrated once per session (see
``tests.db_templates``), settings, a context, API clients and personas."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kefu.app import create_app
from kefu.bootstrap import open_context
from kefu.config import Settings
from kefu.context import Context
from kefu.demo import seed_demo
from tests.db_templates import Templates, make_templates, seed_ticks
from tests.support import (
    ADMIN,
    AGENT1,
    AGENT2,
    LiveServer,
    SettlingClient,
    TickingClock,
    seed,
    seed_from_template,
    use_templates,
)

PG_URL = os.environ.get("KEFU_TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """Databases migrated (and seeded) once for the session, cloned for each test."""
    made = make_templates(tmp_path_factory.mktemp("db-templates"), PG_URL)
    use_templates(made)
    yield made
    use_templates(None)
    made.close()


@pytest.fixture
def database_url(tmp_path: Path, templates: Templates) -> str:
    """A database of this test's own, migrated to head and empty."""
    return templates.fresh(tmp_path)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Core tests run with the bot off, so conversations go straight to the agents' queue."""
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        max_upload_bytes=200_000,
        bot_enabled=False,
        bot_embeddings=False,
    )


@pytest.fixture
def clock() -> TickingClock:
    return TickingClock()


@pytest.fixture
async def ctx(settings: Settings, clock: TickingClock) -> AsyncIterator[Context]:
    """A context on a migrated database with the demo organisation loaded."""
    if seed_from_template(settings, "ticking"):
        clock.advance(milliseconds=seed_ticks())  # as if this test's clock had seeded the database
    async with open_context(settings, clock) as context:
        await seed_demo(context)
        yield context


@pytest.fixture
def seeded_settings(settings: Settings) -> Settings:
    seed(settings)
    return settings


@pytest.fixture
def client(seeded_settings: Settings, clock: TickingClock) -> Iterator[TestClient]:
    """An anonymous HTTP client on the real app (demo data loaded)."""
    with SettlingClient(create_app(seeded_settings, clock=clock)) as test_client:
        yield test_client


def login(client: TestClient, who: tuple[str, str]) -> str:
    """Sign ``client`` in; returns the CSRF token and sets it as a default header."""
    response = client.post("/api/v1/auth/login", json={"username": who[0], "password": who[1]})
    assert response.status_code == 200, response.text
    csrf = str(response.json()["user"]["csrf_token"])
    client.headers["X-CSRF-Token"] = csrf
    return csrf


@pytest.fixture
def bot_app(settings: Settings, clock: TickingClock) -> Iterator[TestClient]:
    """The app with the bot on (the demo knowledge base loaded)."""
    bot_settings = settings.model_copy(update={"bot_enabled": True})
    seed(bot_settings)
    with SettlingClient(create_app(bot_settings, clock=clock)) as runner:
        yield runner


@pytest.fixture
def app(seeded_settings: Settings, clock: TickingClock) -> Iterator[TestClient]:
    """The app running, for several clients (personas) to share."""
    with SettlingClient(create_app(seeded_settings, clock=clock)) as runner:
        yield runner


def _persona(app: TestClient) -> TestClient:
    persona = SettlingClient(app.app)
    persona.portal = app.portal  # share the running app's event loop and lifespan state
    return persona


@pytest.fixture
def agent1(app: TestClient) -> TestClient:
    """小王, agent in 账号安全."""
    persona = _persona(app)
    login(persona, AGENT1)
    return persona


@pytest.fixture
def agent2(app: TestClient) -> TestClient:
    """小李, agent in 支付售后."""
    persona = _persona(app)
    login(persona, AGENT2)
    return persona


@pytest.fixture
def admin(app: TestClient) -> TestClient:
    persona = _persona(app)
    login(persona, ADMIN)
    return persona


def new_visitor(app: TestClient, name: str | None = None) -> TestClient:
    """A fresh web visitor with a signed token as Bearer header."""
    persona = _persona(app)
    body = {"name": name} if name is not None else {}
    response = persona.post("/api/v1/visitor/session", json=body)
    assert response.status_code == 200, response.text
    persona.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return persona


@pytest.fixture
def customer(app: TestClient) -> TestClient:
    """张三, a web visitor."""
    return new_visitor(app, "张三")


@pytest.fixture
def server(seeded_settings: Settings) -> Iterator[LiveServer]:
    """A real uvicorn server with the demo data, for browser and socket tests."""
    live = LiveServer(seeded_settings)
    live.start()
    yield live
    live.stop()
