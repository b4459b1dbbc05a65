"""The migrations and the models describe one schema: Alembic's autogenerate finds nothing to do.

Run on both engines (SQLite, and PostgreSQL with ``KEFU_TEST_DATABASE_URL``): a column, index,
constraint, type or server default added to ``kefu.storage.tables`` without a migration (or the other
way round) fails here rather than on a production database.
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column
from sqlalchemy.engine import Connection

from kefu.config import Settings
from kefu.storage.database import create_engine
from kefu.storage.migrate import alembic_config, upgrade
from kefu.storage.tables import Base


def _bare(default: str | None) -> str | None:
    """A default's text without the parentheses and quotes reflection may wrap it in."""
    if default is None:
        return None
    if default.startswith("(") and default.endswith(")"):
        default = default[1:-1]
    if len(default) >= 2 and default[0] == default[-1] == "'":
        default = default[1:-1]
    return default


def _compare_server_default(
    _context: MigrationContext,
    _inspected_column: Column[Any],
    _metadata_column: Column[Any],
    inspected_default: str | None,
    _metadata_default: Any,
    rendered_metadata_default: str | None,
) -> bool | None:
    """Alembic's SQLite comparison reports ``DEFAULT ''`` (reflected as ``('')``) as differing from
    ``server_default=""``: its quote-stripping pattern needs a character between the quotes. An empty
    string on both sides is equal; anything else is left to Alembic's own comparison (None)."""
    if _bare(inspected_default) == "" and _bare(rendered_metadata_default) == "":
        return False
    return None


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": _compare_server_default}
    )
    return list(compare_metadata(context, Base.metadata))


def _revisions(connection: Connection) -> tuple[set[str], set[str]]:
    current = set(MigrationContext.configure(connection).get_current_heads())
    return current, set(ScriptDirectory.from_config(alembic_config()).get_heads())


async def test_migrations_and_models_agree(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        async with engine.connect() as conn:
            current, heads = await conn.run_sync(_revisions)
            differences = await conn.run_sync(_differences)
    finally:
        await engine.dispose()
    assert current == heads
    assert differences == []
