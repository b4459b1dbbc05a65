"""Export routes: tickets and conversations (with transcripts) of a date range, as CSV or XLSX.

Registered before the tickets and conversations routers so ``/tickets/export`` is not read as a ticket
id. Progress without a Content-Length: ``X-Total-Count`` announces the number of data rows before the
first byte; a CSV streams a batch of rows at a time, so the console counts records received against it
(one record per row; newlines only occur inside quoted cells). An XLSX is built first (write-only,
constant memory) and then streamed with its Content-Length, so the download shows byte progress.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from kefu.exports import service
from kefu.security.export_access import require_exporter
from kefu.web.deps import AgentDep, CtxDep
from kefu.web.responses import file_response

router = APIRouter(prefix="/api/v1", tags=["exports"])
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024

Format = Annotated[Literal["csv", "xlsx"], Query(description="csv (streamed) or xlsx")]
From = Annotated[str, Query(alias="from", description="YYYY-MM-DD or ISO date-time (organisation's zone if none)")]
To = Annotated[str, Query(alias="to", description="YYYY-MM-DD (the whole day included) or ISO date-time")]


async def _export(agent: AgentDep, ctx: CtxDep, kind: str, fmt: str, start: str, end: str) -> StreamingResponse:
    require_exporter(agent)
    rng = await service.parse_range(ctx, start, end)
    total = await service.count(ctx, kind, rng)
    name = f"kefu-{kind}-{rng.start.astimezone(rng.tz):%Y%m%d}-{rng.end.astimezone(rng.tz):%Y%m%d}.{fmt}"
    headers = {
        "X-Total-Count": str(total),
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
        "Access-Control-Expose-Headers": "X-Total-Count",
    }
    if fmt == "csv":
        return StreamingResponse(service.csv_stream(ctx, kind, rng), media_type=CSV, headers=headers)
    folder = Path(tempfile.mkdtemp(prefix="kefu-export-"))
    path = folder / name
    try:
        await service.write_xlsx(ctx, kind, rng, path)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    headers["Content-Length"] = str(path.stat().st_size)
    return StreamingResponse(
        _read(path),
        media_type=XLSX,
        headers=headers,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


def _read(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


@router.get("/tickets/export", response_class=StreamingResponse, responses=file_response(CSV, XLSX))
async def export_tickets(
    agent: AgentDep, ctx: CtxDep, start: From, end: To, format: Format = "csv"
) -> StreamingResponse:
    """Tickets created in the range (supervisors, admins); ``X-Total-Count`` = rows to come."""
    return await _export(agent, ctx, "tickets", format, start, end)


@router.get("/conversations/export", response_class=StreamingResponse, responses=file_response(CSV, XLSX))
async def export_conversations(
    agent: AgentDep, ctx: CtxDep, start: From, end: To, format: Format = "csv"
) -> StreamingResponse:
    """Conversations started in the range with their transcripts (customer, bot and agent messages —
    never internal notes); supervisors and admins; ``X-Total-Count`` = rows to come."""
    return await _export(agent, ctx, "conversations", format, start, end)
