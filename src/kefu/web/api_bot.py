"""Knowledge-base administration, the bot's dictionary, missed questions and answer feedback."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import Field
from starlette.background import BackgroundTask

from kefu.bot import entries, kb_files, knowledge, missed, terms
from kefu.bot.service import BotService
from kefu.errors import InvalidInput, PermissionDenied, TooLarge
from kefu.security.principals import CustomerPrincipal
from kefu.web.deps import AgentDep, CtxDep, PrincipalDep
from kefu.web.responses import (
    EntryEnvelope,
    EntryPageOut,
    ImportOut,
    MissedListOut,
    OkOut,
    TermEnvelope,
    TermListOut,
    file_response,
)
from kefu.web.schemas import FeedbackIn, Strict

router = APIRouter(prefix="/api/v1", tags=["bot"])
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class EntryIn(Strict):
    """A knowledge-base entry as the admin page sends it."""

    question: str = Field(max_length=500)
    answer: str = Field(max_length=5000)
    similar: list[str] = Field(default_factory=list, max_length=200)
    category: str = Field(default="", max_length=100)
    group: str | None = Field(default=None, max_length=100)
    keywords: list[str] = Field(default_factory=list, max_length=50)
    quick_replies: list[str] = Field(default_factory=list, max_length=8)
    handover: bool = False
    enabled: bool = True
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    def data(self, entry_id: int | None = None) -> entries.EntryData:
        """As the domain's entry data."""
        return entries.EntryData(id=entry_id, **self.model_dump())


class EnabledIn(Strict):
    """Switch an entry on or off."""

    enabled: bool


class TermIn(Strict):
    """A dictionary word or a synonym."""

    kind: Literal["word", "synonym"]
    term: str = Field(max_length=100)
    canonical: str | None = Field(default=None, max_length=100)


def _bot(request: Request) -> BotService:
    service: BotService | None = getattr(request.app.state, "bot", None)
    if service is None:
        raise InvalidInput("the bot is switched off (KEFU_BOT_ENABLED=false)", code="bot_disabled")
    return service


@router.get("/kb/entries", response_model=EntryPageOut)
async def search_entries(
    agent: AgentDep,
    ctx: CtxDep,
    q: Annotated[str, Query(max_length=200)] = "",
    category: Annotated[str, Query(max_length=100)] = "",
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Search entries by text in questions and answers (every agent may read the knowledge base)."""
    rows, total = await entries.search_entries(ctx, q, category, limit=limit, offset=offset)
    return {"entries": [row.to_dict() for row in rows], "total": total}


@router.get("/kb/entries/{entry_id}", response_model=EntryEnvelope)
async def get_entry(entry_id: int, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """One entry."""
    return {"entry": (await entries.get_entry(ctx, entry_id)).to_dict()}


@router.post("/kb/entries", response_model=EntryEnvelope)
async def create_entry(body: EntryIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Create an entry; the bot uses it at once."""
    return {"entry": (await entries.save_entry(ctx, agent, body.data())).to_dict()}


@router.put("/kb/entries/{entry_id}", response_model=EntryEnvelope)
async def update_entry(entry_id: int, body: EntryIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Replace an entry."""
    return {"entry": (await entries.save_entry(ctx, agent, body.data(entry_id))).to_dict()}


@router.post("/kb/entries/{entry_id}/enabled", response_model=EntryEnvelope)
async def set_enabled(entry_id: int, body: EnabledIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Enable or disable an entry."""
    return {"entry": (await entries.set_enabled(ctx, agent, entry_id, body.enabled)).to_dict()}


@router.delete("/kb/entries/{entry_id}", response_model=OkOut)
async def delete_entry(entry_id: int, agent: AgentDep, ctx: CtxDep) -> dict[str, bool]:
    """Delete an entry."""
    await entries.delete_entry(ctx, agent, entry_id)
    return {"ok": True}


@router.post("/kb/import", response_model=ImportOut)
async def import_entries(agent: AgentDep, ctx: CtxDep, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """Import a CSV, Excel or JSONL file: every row lands, or (with the first bad line named) none."""
    entries.require_editor(agent)
    name = file.filename or "upload.csv"
    suffix = Path(name).suffix.lower()
    kb_files.format_of(Path(name))
    data = await file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise TooLarge("import files are limited to 20 MiB", code="file_too_large")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"import{suffix}"
        path.write_bytes(data)
        result = await knowledge.import_file(ctx, path, agent)
    return {"created": result.created, "updated": result.updated}


@router.get(
    "/kb/export",
    response_class=FileResponse,
    responses=file_response(
        "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream"
    ),
)
async def export_entries(
    agent: AgentDep, ctx: CtxDep, format: Annotated[Literal["csv", "xlsx", "jsonl"], Query()] = "xlsx"
) -> FileResponse:
    """Download the knowledge base as CSV, Excel or JSONL."""
    entries.require_editor(agent)
    folder = tempfile.mkdtemp()
    path = Path(folder) / f"kefu-kb.{format}"
    await knowledge.export_file(ctx, path)
    return FileResponse(path, filename=path.name, background=BackgroundTask(_remove, path))


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.parent.rmdir()


@router.get("/kb/terms", response_model=TermListOut)
async def list_terms(agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """The company dictionary and synonyms."""
    return {"terms": [t.to_dict() for t in await terms.list_terms(ctx)]}


@router.post("/kb/terms", response_model=TermEnvelope)
async def add_term(body: TermIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Add a word or a synonym; the bot re-indexes at once."""
    return {"term": (await terms.add_term(ctx, agent, body.kind, body.term, body.canonical)).to_dict()}


@router.delete("/kb/terms/{term_id}", response_model=OkOut)
async def delete_term(term_id: int, agent: AgentDep, ctx: CtxDep) -> dict[str, bool]:
    """Remove a word or synonym."""
    await terms.delete_term(ctx, agent, term_id)
    return {"ok": True}


@router.get("/bot/missed", response_model=MissedListOut)
async def list_missed(agent: AgentDep, ctx: CtxDep, limit: int = 100, include_resolved: bool = False) -> dict[str, Any]:
    """Questions the bot could not answer, or answered unhelpfully."""
    rows = await missed.list_missed(ctx, agent, limit=limit, include_resolved=include_resolved)
    return {"missed": [row.to_dict() for row in rows]}


@router.post("/bot/missed/{missed_id}/resolve", response_model=OkOut)
async def resolve_missed(missed_id: int, agent: AgentDep, ctx: CtxDep) -> dict[str, bool]:
    """Mark a missed question as dealt with."""
    await missed.resolve_missed(ctx, agent, missed_id)
    return {"ok": True}


@router.post("/conversations/{conversation_id}/feedback", response_model=OkOut)
async def feedback(
    conversation_id: int, body: FeedbackIn, request: Request, principal: PrincipalDep
) -> dict[str, bool]:
    """The customer's 有帮助 / 没帮助 on a bot answer."""
    if not isinstance(principal, CustomerPrincipal):
        raise PermissionDenied("only the customer rates the bot's answers")
    await _bot(request).feedback(principal, conversation_id, body.message_id, body.helpful)
    return {"ok": True}
