"""Knowledge-base import and export (all or nothing), used by ``kefu kb`` and the admin pages."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kefu.bot import kb_files
from kefu.bot.entries import EntryView, all_entries, require_editor, write_entry
from kefu.context import Context
from kefu.errors import InvalidInput, KefuError
from kefu.events import KnowledgeChanged
from kefu.security.principals import Principal
from kefu.storage.repositories.knowledge import count_entries, get_entry

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """How many entries an import created and updated."""

    created: int
    updated: int


async def import_rows(
    ctx: Context, rows: list[kb_files.Row], principal: Principal | None = None, progress: Progress | None = None
) -> ImportResult:
    """Write validated rows in one transaction: every row lands, or none does.

    ``principal`` is None for operators (the CLI); otherwise it must be an admin or supervisor.
    """
    if principal is not None:
        require_editor(principal)
    created = updated = 0
    ids: list[int] = []
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        for line, data in rows:
            exists = data.id is not None and await get_entry(uow.session, data.id) is not None
            try:
                row = await write_entry(uow, data, now)
            except KefuError as exc:
                raise InvalidInput(f"line {line}: {exc.message}", code=exc.code) from None
            ids.append(row.id)
            updated += exists
            created += not exists
            if progress:
                progress(1)
        uow.emit(KnowledgeChanged(tuple(ids)))
        await uow.commit()
    return ImportResult(created, updated)


async def import_file(
    ctx: Context, path: Path, principal: Principal | None = None, progress: Progress | None = None
) -> ImportResult:
    """Read and import a CSV, Excel or JSONL file (see ``kb_files`` for the columns)."""
    rows = await asyncio.to_thread(kb_files.read_entries, path)
    return await import_rows(ctx, rows, principal, progress)


async def export_file(ctx: Context, path: Path, progress: Progress | None = None) -> int:
    """Write every entry to ``path`` (format from its extension); returns how many."""
    entries: list[EntryView] = await all_entries(ctx)
    await asyncio.to_thread(kb_files.write_entries, path, entries, progress)
    return len(entries)


async def entry_count(ctx: Context) -> int:
    """How many entries the knowledge base holds."""
    async with ctx.uow() as uow:
        return await count_entries(uow.session)
