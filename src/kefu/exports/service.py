"""What an export holds and how it is read: the date range, the columns, rows in keyset batches.

Each batch is read in its own short transaction (a 100,000-row export never holds one read open for
minutes — on SQLite that would pin the WAL), and at most one batch is in memory. Times are written in
the organisation's time zone, like the console shows them. The row count is read first so the caller
can announce it (``X-Total-Count``) and the console can show progress.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kefu.context import Context
from kefu.errors import InvalidInput
from kefu.exports.files import Cell, CsvRows, XlsxRows
from kefu.storage.repositories import exports as repo
from kefu.tickets.numbers import zone

KINDS = ("tickets", "conversations")
BATCH = 500
MAX_DAYS = 366

TICKET_COLUMNS = (
    "number", "type", "title", "status", "priority", "customer", "phone", "order_no", "group", "assignee",
    "source", "created_at", "updated_at", "first_responded_at", "resolved_at", "closed_at", "sla_breached",
    "reopened_count", "resolution", "fields",
)  # fmt: skip
CONVERSATION_COLUMNS = (
    "id", "channel", "status", "customer", "group", "assignee", "created_at", "first_response_at", "closed_at",
    "closed_reason", "messages", "transcript",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Range:
    """[start, end) in UTC, and the zone times are written in."""

    start: datetime
    end: datetime
    tz: ZoneInfo


def _instant(text: str, tz: ZoneInfo, *, end: bool) -> datetime:
    try:
        if len(text) == 10:  # a day: from its start; ``to`` includes the whole day
            day = date.fromisoformat(text) + timedelta(days=1 if end else 0)
            return datetime.combine(day, time(), tz)
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput("from/to must be YYYY-MM-DD or an ISO date-time", code="bad_range") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


async def parse_range(ctx: Context, start: str, end: str) -> Range:
    """The export range from the query's ``from`` and ``to`` (days or date-times, the organisation's zone
    when none is given)."""
    async with ctx.uow() as uow:
        tz = await zone(uow.session)
    rng = Range(_instant(start, tz, end=False), _instant(end, tz, end=True), tz)
    if rng.end <= rng.start:
        raise InvalidInput("to must be after from", code="bad_range")
    if rng.end - rng.start > timedelta(days=MAX_DAYS):
        raise InvalidInput(f"a range covers at most {MAX_DAYS} days", code="bad_range")
    return rng


def columns(kind: str) -> Sequence[str]:
    """The header of an export."""
    return TICKET_COLUMNS if kind == "tickets" else CONVERSATION_COLUMNS


async def count(ctx: Context, kind: str, rng: Range) -> int:
    """How many rows the export will have."""
    async with ctx.uow() as uow:
        if kind == "tickets":
            return await repo.count_tickets(uow.session, rng.start, rng.end)
        return await repo.count_conversations(uow.session, rng.start, rng.end)


def _when(value: datetime | None, tz: ZoneInfo) -> str | None:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if value is not None else None


async def batches(ctx: Context, kind: str, rng: Range, size: int = BATCH) -> AsyncIterator[list[list[Cell]]]:
    """The export's rows, a batch at a time."""
    after = 0
    while True:
        async with ctx.uow() as uow:
            if kind == "tickets":
                rows = await repo.ticket_batch(uow.session, rng.start, rng.end, after, size)
                out = [_ticket_row(r, rng.tz) for r in rows]
            else:
                rows = await repo.conversation_batch(uow.session, rng.start, rng.end, after, size)
                lines = await repo.transcript_lines(uow.session, [int(r.id) for r in rows])
                out = _conversation_rows(rows, lines, rng.tz)
        if not rows:
            return
        after = int(rows[-1].id)
        yield out
        if len(rows) < size:
            return


def _ticket_row(r: Any, tz: ZoneInfo) -> list[Cell]:
    fields = json.loads(str(r.fields or "{}"))
    return [
        r.number, r.type_key, r.title, r.status, r.priority, r.customer, r.phone, r.order_no, r.group, r.assignee,
        r.source, _when(r.created_at, tz), _when(r.updated_at, tz), _when(r.first_responded_at, tz),
        _when(r.resolved_at, tz), _when(r.closed_at, tz), bool(r.sla_breached), int(r.reopened_count),
        r.resolution, json.dumps(fields, ensure_ascii=False) if fields else "",
    ]  # fmt: skip


def _who(kind: str, agent: str | None) -> str:
    if kind == "agent":
        return f"agent {agent}" if agent else "agent"
    return kind


def _conversation_rows(rows: Sequence[Any], lines: Sequence[Any], tz: ZoneInfo) -> list[list[Cell]]:
    transcripts: dict[int, list[str]] = {}
    for m in lines:
        text = str(m.text or "")
        if m.filename:
            text = f"{text} [file: {m.filename}]".strip()
        stamp = m.created_at.astimezone(tz).strftime("%H:%M:%S")
        transcripts.setdefault(int(m.conversation_id), []).append(f"[{stamp}] {_who(m.sender_kind, m.agent)}: {text}")
    out: list[list[Cell]] = []
    for r in rows:
        said = transcripts.get(int(r.id), [])
        out.append([
            int(r.id), r.channel, r.status, r.customer, r.group, r.assignee, _when(r.created_at, tz),
            _when(r.first_response_at, tz), _when(r.closed_at, tz), r.closed_reason, len(said), "\n".join(said),
        ])  # fmt: skip
    return out


async def csv_stream(ctx: Context, kind: str, rng: Range) -> AsyncIterator[bytes]:
    """The CSV file, a batch of rows per chunk (the header alone when the range is empty)."""
    writer = CsvRows(columns(kind))
    sent = False
    async for batch in batches(ctx, kind, rng):
        yield writer.chunk(batch)
        sent = True
    if not sent:
        yield writer.chunk([])


async def write_xlsx(ctx: Context, kind: str, rng: Range, path: Path) -> None:
    """The XLSX file at ``path``: rows streamed into openpyxl's write-only sheet, then zipped."""
    book = XlsxRows(kind, columns(kind))
    async for batch in batches(ctx, kind, rng):
        book.add(batch)
    await asyncio.to_thread(book.save, path)
