"""Test databases cloned from templates that are migrated (and seeded) once per session.

Why: migrating an empty database costs about half a second and loading the demo organisation four
seconds (argon2 hashes four passwords on purpose slowly), for every test. Cloning a template costs a
file copy on SQLite, and on PostgreSQL putting the template's rows back into the test database (see
``PostgresTemplates``); each test still starts from exactly the template's contents, so isolation is
the same as before.

Two kinds of template: ``migrated`` (the schema at head, no rows) is what every test starts from, and
``seeded`` (the demo organisation loaded) replaces a test's database when a fixture asks for the demo
data before anything else wrote to it (see ``Templates.seed``). Seeded templates are made per clock, so
a test sees the same rows (timestamps included) as if it had seeded its own database.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from kefu.bootstrap import open_context
from kefu.clock import Clock, SystemClock
from kefu.config import Settings, normalise_database_url
from kefu.demo import seed_demo
from kefu.storage.database import create_engine
from kefu.storage.migrate import upgrade
from kefu.storage.tables import Base
from tests.support import TickingClock, run_async

SEED_CLOCKS: dict[str, Callable[[], Clock]] = {"system": SystemClock, "ticking": TickingClock}


def seed_ticks() -> int:
    """How many times seeding reads a ``TickingClock`` (a test's clock is moved on by as many)."""
    return _SEED_TICKS[0]


_SEED_TICKS = [0]


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    if url.startswith("sqlite"):
        # Everything into the main file, so that copying the file alone copies the database.
        with closing(sqlite3.connect(_sqlite_path(url))) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


async def _seed(url: str, clock_kind: str, data_dir: Path) -> None:
    clock = SEED_CLOCKS[clock_kind]()
    settings = Settings(data_dir=data_dir, database_url=url, bot_enabled=False, bot_embeddings=False)
    async with open_context(settings, clock) as ctx:
        await seed_demo(ctx)
    if isinstance(clock, TickingClock):
        _SEED_TICKS[0] = round((clock.now() - TickingClock().now()).total_seconds() * 1000)
    if url.startswith("sqlite"):
        await _migrate(url)  # a no-op upgrade, then the checkpoint


class Templates(ABC):
    """Hands each test a migrated database of its own, and swaps in a seeded one on request."""

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir
        self._built: set[str] = set()
        self._pristine: set[str] = set()

    @abstractmethod
    def fresh(self, tmp_path: Path) -> str:
        """The URL of a migrated, empty database for the test whose temporary folder is ``tmp_path``."""

    def seed(self, url: str, clock_kind: str) -> bool:
        """Replace the database at ``url`` with a seeded copy, if nothing has used it since ``fresh``.

        Returns False when the database was already used (the caller then seeds it the slow way).
        """
        if url not in self._pristine:
            return False
        self._pristine.discard(url)
        self._clone(f"seeded_{clock_kind}", url)
        return True

    def _template(self, kind: str) -> str:
        url = self._template_url(kind)
        if kind not in self._built:
            self._build(kind, url)
            self._built.add(kind)
        return url

    def _build(self, kind: str, url: str) -> None:
        self._create_empty(url)
        if kind == "migrated":
            run_async(lambda: _migrate(url))
        else:
            self._copy(self._template("migrated"), url)
            run_async(lambda: _seed(url, kind.removeprefix("seeded_"), self.work_dir / "seed-data"))

    def _clone(self, kind: str, url: str) -> None:
        self._copy(self._template(kind), url)

    @abstractmethod
    def _template_url(self, kind: str) -> str: ...

    @abstractmethod
    def _create_empty(self, url: str) -> None: ...

    @abstractmethod
    def _copy(self, source: str, target: str) -> None:
        """Make ``target`` a copy of the template ``source`` (replacing whatever was there)."""

    @abstractmethod
    def close(self) -> None:
        """Drop what the session created (PostgreSQL's template databases)."""


def _sqlite_path(url: str) -> Path:
    return Path(url.split("///", 1)[1])


class SqliteTemplates(Templates):
    """Template files; a copy of the checkpointed file is the whole database (WAL mode and all)."""

    def fresh(self, tmp_path: Path) -> str:
        url = f"sqlite+aiosqlite:///{tmp_path / 'kefu.db'}"
        self._clone("migrated", url)
        self._pristine.add(url)
        return url

    def _template_url(self, kind: str) -> str:
        return f"sqlite+aiosqlite:///{self.work_dir / f'{kind}.db'}"

    def _create_empty(self, url: str) -> None:
        _sqlite_path(url).parent.mkdir(parents=True, exist_ok=True)

    def _copy(self, source: str, target: str) -> None:
        path = _sqlite_path(target)
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        shutil.copyfile(_sqlite_path(source), path)

    def close(self) -> None:
        """Nothing to do: the template files live in pytest's temporary folder."""


@dataclass(frozen=True)
class _Snapshot:
    """A template database's rows (table by table, parents first) and sequence positions."""

    tables: list[tuple[str, list[str], list[tuple[Any, ...]]]]
    sequences: dict[str, int | None]


class PostgresTemplates(Templates):
    """Template databases beside the test database, whose rows each test gets back.

    The test database (the one ``KEFU_TEST_DATABASE_URL`` names) is made from the migrated template
    once per session. Between tests its rows are deleted and the template's rows (none, or the demo
    organisation) inserted again, with every sequence set back, so ids are the same in every test.
    Measured on the shared 2-core machine, ``CREATE DATABASE … TEMPLATE`` per test took about 3 s
    (either strategy), ``TRUNCATE`` of all tables about 1 s, and this about 0.1 s. Should a test leave
    a connection holding locks behind, the database is recreated from the template instead.
    """

    def __init__(self, work_dir: Path, url: str) -> None:
        super().__init__(work_dir)
        self.url = normalise_database_url(url)
        parts = urlsplit(self.url)
        self.name = parts.path.lstrip("/")
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", self.name):
            raise ValueError(f"test database name {self.name!r}: use lower-case letters, digits and _")
        self._admin_dsn = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
        self._snapshots: dict[str, _Snapshot] = {}
        self._created = False

    def fresh(self, tmp_path: Path) -> str:
        self._clone("migrated", self.url)
        self._pristine.add(self.url)
        return self.url

    def _clone(self, kind: str, url: str) -> None:
        template = self._template(kind)
        if url != self.url or not self._created:  # a template made from another, or the first test
            self._copy(template, url)
            self._created = self._created or url == self.url
            return
        snapshot = self._snapshots.get(kind) or self._snapshots.setdefault(kind, self._snapshot(template))
        try:
            run_async(lambda: self._restore(snapshot))
        except (asyncpg.PostgresError, OSError):
            self._copy(template, url)

    def _dsn(self, url: str) -> str:
        return urlunsplit(urlsplit(url)._replace(scheme="postgresql"))

    def _snapshot(self, template: str) -> _Snapshot:
        result: list[_Snapshot] = []

        async def run() -> None:
            conn = await asyncpg.connect(self._dsn(template))
            try:
                tables = []
                for table in Base.metadata.sorted_tables:
                    columns = [column.name for column in table.columns]
                    names = ", ".join(f'"{c}"' for c in columns)
                    rows = await conn.fetch(f'SELECT {names} FROM "{table.name}"')
                    tables.append((table.name, columns, [tuple(row) for row in rows]))
                sequences = await conn.fetch(
                    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
                )
                result.append(_Snapshot(tables, {row[0]: row[1] for row in sequences}))
            finally:
                await conn.close()

        run_async(run)
        return result[0]

    async def _restore(self, snapshot: _Snapshot) -> None:
        conn = await asyncpg.connect(self._dsn(self.url))
        try:
            async with conn.transaction():
                await conn.execute("SET LOCAL lock_timeout = '5s'")
                for name, _columns, _rows in reversed(snapshot.tables):
                    await conn.execute(f'DELETE FROM "{name}"')
                for sequence, last_value in snapshot.sequences.items():
                    if last_value is None:
                        await conn.execute("SELECT setval($1, 1, false)", sequence)
                    else:
                        await conn.execute("SELECT setval($1, $2, true)", sequence, last_value)
                for name, columns, rows in snapshot.tables:
                    if rows:
                        await conn.copy_records_to_table(name, records=rows, columns=columns)
        finally:
            await conn.close()

    def _db_name(self, url: str) -> str:
        return urlsplit(url).path.lstrip("/")

    def _template_url(self, kind: str) -> str:
        return urlunsplit(urlsplit(self.url)._replace(path=f"/{self.name}_tmpl_{kind}"))

    def _admin(self, *statements: str) -> None:
        async def run() -> None:
            conn = await asyncpg.connect(self._admin_dsn)
            try:
                for statement in statements:
                    await conn.execute(statement)
            finally:
                await conn.close()

        run_async(run)

    def _create_empty(self, url: str) -> None:
        name = self._db_name(url)
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')

    def _copy(self, source: str, target: str) -> None:
        name, template = self._db_name(target), self._db_name(source)
        # FORCE: a server thread a failed test left behind must not keep the test database busy.
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def close(self) -> None:
        self._admin(*(f'DROP DATABASE IF EXISTS "{self._db_name(self._template_url(kind))}"' for kind in self._built))


def make_templates(work_dir: Path, postgres_url: str) -> Templates:
    """PostgreSQL templates when a test database URL is given, SQLite template files otherwise."""
    return PostgresTemplates(work_dir, postgres_url) if postgres_url else SqliteTemplates(work_dir)
