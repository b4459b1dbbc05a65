"""Schema migrations with Alembic, run on start and by ``kefu migrate``."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    """An Alembic config pointing at kefu's migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@cache
def _heads() -> frozenset[str]:
    """The head revisions of the scripts shipped with this kefu (read once per process)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def _is_current(connection: Any) -> bool:
    current = MigrationContext.configure(connection).get_current_heads()
    return frozenset(current) == _heads()


def _upgrade(connection: Any, revision: str) -> None:
    # Every start and every CLI command upgrades: on an up-to-date database that is one query, not a
    # run of env.py and every migration script through Alembic's command machinery.
    if revision == "head" and _is_current(connection):
        return
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision``."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, revision)
