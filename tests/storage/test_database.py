"""Storage: migrations, SQLite WAL, and nothing lost across a restart."""

from __future__ import annotations

import sqlite3

import httpx
import pytest
from sqlalchemy import inspect

from kefu.bootstrap import open_context
from kefu.config import Settings
from kefu.storage.database import create_engine
from kefu.storage.migrate import upgrade
from tests.support import live_server

TABLES = {
    "organisation",
    "users",
    "skill_groups",
    "user_skill_groups",
    "agent_sessions",
    "customers",
    "customer_identities",
    "conversations",
    "messages",
    "attachments",
    "kb_entries",
    "alembic_version",
}


async def test_migrations_create_the_schema_and_are_idempotent(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        await upgrade(engine)
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert names >= TABLES
    finally:
        await engine.dispose()


async def test_sqlite_runs_in_wal_mode(settings: Settings) -> None:
    if not settings.is_sqlite:
        pytest.skip("SQLite only")
    async with open_context(settings):
        pass
    path = settings.database_url.split("///", 1)[1]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_restart_keeps_every_accepted_message(seeded_settings: Settings) -> None:
    with live_server(seeded_settings) as server:
        visitor = httpx.post(f"{server.url}/api/v1/visitor/session", json={"name": "持久"}).json()
        headers = {"Authorization": f"Bearer {visitor['token']}"}
        conv = httpx.post(f"{server.url}/api/v1/visitor/conversations", headers=headers).json()["conversation"]
        for i in range(5):
            r = httpx.post(
                f"{server.url}/api/v1/conversations/{conv['id']}/messages",
                json={"text": f"重启前{i}", "client_msg_id": f"r{i}"},
                headers=headers,
            )
            assert r.status_code == 200
    with live_server(seeded_settings) as server:
        url = f"{server.url}/api/v1/conversations/{conv['id']}/messages"
        messages = httpx.get(url, headers=headers).json()["messages"]
        assert [m["text"] for m in messages] == [f"重启前{i}" for i in range(5)]
        again = httpx.post(url, json={"text": "重启前4", "client_msg_id": "r4"}, headers=headers).json()
        assert again["duplicate"] is True
        assert again["message"]["seq"] == 5


def test_secret_is_created_once_and_private(settings: Settings) -> None:
    settings.ensure_data_dir()
    path = settings.data_dir / "secret.key"
    assert path.stat().st_mode & 0o777 == 0o600
    again = Settings(data_dir=settings.data_dir, database_url=settings.database_url)
    again.ensure_data_dir()
    assert again.secret_key == settings.secret_key


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("KEFU_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("KEFU_DATABASE_URL", "postgresql://kefu@localhost/kefu")
    monkeypatch.setenv("KEFU_MAX_MESSAGE_CHARS", "100")
    settings = Settings()
    assert settings.database_url == "postgresql+asyncpg://kefu@localhost/kefu"
    assert settings.max_message_chars == 100
    assert settings.data_dir == (tmp_path / "d").resolve()
    default = Settings(data_dir=tmp_path / "x", database_url="")
    assert default.database_url.startswith("sqlite+aiosqlite:///")
