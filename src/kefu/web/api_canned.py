"""Canned replies (话术库) and the skill groups' own greetings: REST for the console.

Handlers validate and call ``kefu.canned``; who may read or change which folder is decided there.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kefu.canned import files, greetings, library
from kefu.canned.library import FolderData, ReplyData
from kefu.canned.variables import VARIABLES
from kefu.errors import InvalidInput
from kefu.web.deps import AgentDep, CtxDep
from kefu.web.responses import OkOut, file_response
from kefu.web.schemas import Strict

router = APIRouter(prefix="/api/v1", tags=["canned"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FolderOut(BaseModel):
    """A folder; ``editable`` says whether the caller may change it and its replies."""

    id: int
    scope: Literal["personal", "team", "organisation"]
    name: str
    owner_id: int | None
    skill_group_id: int | None
    sort: int
    editable: bool


class ReplyOut(BaseModel):
    """A canned reply (its ``text`` may hold variables such as ``{客户名}``)."""

    id: int
    folder_id: int
    folder: str
    scope: Literal["personal", "team", "organisation"]
    title: str
    shortcut: str
    text: str
    initials: str = Field(description="pinyin initials of the title, e.g. cfh for 催发货")
    sort: int
    editable: bool
    updated_at: datetime


class VariableOut(BaseModel):
    """A variable a reply may use, as ``{key}`` or ``{zh}``."""

    key: str
    zh: str
    en: str


class LibraryOut(BaseModel):
    """Every folder and reply the caller may read, and the variables replies may use."""

    folders: list[FolderOut]
    replies: list[ReplyOut]
    variables: list[VariableOut]


class ReplyListOut(BaseModel):
    """Search hits, best first."""

    replies: list[ReplyOut]


class OneFolderOut(BaseModel):
    """A folder after a change."""

    folder: FolderOut


class OneReplyOut(BaseModel):
    """A reply after a change."""

    reply: ReplyOut


class RenderedOut(BaseModel):
    """A reply ready to insert; ``placeholders`` are the 【请填写：…】 parts the agent must replace."""

    reply_id: int
    text: str
    placeholders: list[str]


class CannedImportOut(BaseModel):
    """What an import did (all lines, or none with an error naming the line)."""

    created: int
    updated: int
    folders_created: int


class FolderIn(Strict):
    """A new folder; a team folder names its skill group."""

    scope: Literal["personal", "team", "organisation"]
    name: str = Field(max_length=200)
    skill_group_id: int | None = None
    sort: int = 0


class FolderRenameIn(Strict):
    """A folder's new name and sort position."""

    name: str = Field(max_length=200)
    sort: int = 0


class ReplyIn(Strict):
    """A reply: title, optional shortcut (typed after ``/``), text with variables."""

    folder_id: int
    title: str = Field(max_length=500)
    shortcut: str = Field(default="", max_length=100)
    text: str = Field(max_length=20_000)
    sort: int = 0


class RenderIn(Strict):
    """The conversation whose customer, order and queue fill the variables."""

    conversation_id: int | None = None


class GreetingOut(BaseModel):
    """A skill group's own wording of a greeting for a channel ("" = every channel) and locale."""

    skill_group_id: int
    channel: str
    code: str
    locale: str
    text: str
    updated_at: datetime | None


class GreetingListOut(BaseModel):
    """Every group greeting, the kinds and their codes, and the channels one may be set for."""

    greetings: list[GreetingOut]
    kinds: dict[str, list[str]]
    channels: list[str]


class OneGreetingOut(BaseModel):
    """A greeting after a change."""

    greeting: GreetingOut


class GreetingIn(Strict):
    """The group's wording (may use the code's placeholders and ``{hours}``)."""

    text: str = Field(max_length=10_000)


@router.get("/canned")
async def get_library(agent: AgentDep, ctx: CtxDep) -> LibraryOut:
    """Every folder and reply visible to the caller: their own, their groups' and the organisation's."""
    folders, replies = await library.library(ctx, agent)
    return LibraryOut(
        folders=[FolderOut.model_validate(f.to_dict()) for f in folders],
        replies=[ReplyOut.model_validate(r.to_dict()) for r in replies],
        variables=[VariableOut(key=v.key, zh=v.zh, en=v.en) for v in VARIABLES],
    )


@router.get("/canned/search")
async def search(
    agent: AgentDep, ctx: CtxDep, q: Annotated[str, Query(max_length=100)] = "", limit: int = 20
) -> ReplyListOut:
    """Replies matching ``q`` by shortcut, title, pinyin initials (``cfh`` → 催发货) or text, best first."""
    hits = await library.search(ctx, agent, q, max(1, min(limit, 50)))
    return ReplyListOut(replies=[ReplyOut.model_validate(r.to_dict()) for r in hits])


@router.get("/canned/export", response_class=Response, responses=file_response("text/csv", XLSX))
async def export(agent: AgentDep, ctx: CtxDep, format: Literal["csv", "xlsx"] = "xlsx") -> Response:
    """Download the replies the caller may read as CSV or Excel (the import's columns)."""
    data = await files.export_file(ctx, agent, format)
    media = "text/csv; charset=utf-8" if format == "csv" else XLSX
    headers = {"Content-Disposition": f'attachment; filename="kefu-canned.{format}"'}
    return Response(data, media_type=media, headers=headers)


@router.post("/canned/import")
async def import_file(agent: AgentDep, ctx: CtxDep, file: Annotated[UploadFile, File()]) -> CannedImportOut:
    """Import a CSV or Excel file: every line lands, or none (the error names the first bad line)."""
    kind = Path(file.filename or "").suffix.lower().lstrip(".")
    if kind not in files.FORMATS:
        raise InvalidInput("use a .csv or .xlsx file", code="bad_canned_file")
    data = await file.read(files.MAX_BYTES + 1)
    result = await files.import_file(ctx, agent, data, kind)
    return CannedImportOut(created=result.created, updated=result.updated, folders_created=result.folders_created)


@router.post("/canned/folders")
async def create_folder(body: FolderIn, agent: AgentDep, ctx: CtxDep) -> OneFolderOut:
    """A new folder (personal: yours; team: supervisors and admins; organisation: admins)."""
    view = await library.create_folder(ctx, agent, FolderData(body.scope, body.name, body.skill_group_id, body.sort))
    return OneFolderOut(folder=FolderOut.model_validate(view.to_dict()))


@router.patch("/canned/folders/{folder_id}")
async def rename_folder(folder_id: int, body: FolderRenameIn, agent: AgentDep, ctx: CtxDep) -> OneFolderOut:
    """Rename or re-sort a folder."""
    view = await library.rename_folder(ctx, agent, folder_id, body.name, body.sort)
    return OneFolderOut(folder=FolderOut.model_validate(view.to_dict()))


@router.delete("/canned/folders/{folder_id}")
async def delete_folder(folder_id: int, agent: AgentDep, ctx: CtxDep) -> OkOut:
    """Delete an empty folder."""
    await library.delete_folder(ctx, agent, folder_id)
    return OkOut(ok=True)


@router.post("/canned")
async def create_reply(body: ReplyIn, agent: AgentDep, ctx: CtxDep) -> OneReplyOut:
    """A new reply in a folder the caller may change."""
    data = ReplyData(body.folder_id, body.title, body.text, body.shortcut, body.sort)
    return OneReplyOut(reply=ReplyOut.model_validate((await library.create_reply(ctx, agent, data)).to_dict()))


@router.put("/canned/{reply_id}")
async def update_reply(reply_id: int, body: ReplyIn, agent: AgentDep, ctx: CtxDep) -> OneReplyOut:
    """Change a reply (or move it to another folder the caller may change)."""
    data = ReplyData(body.folder_id, body.title, body.text, body.shortcut, body.sort)
    view = await library.update_reply(ctx, agent, reply_id, data)
    return OneReplyOut(reply=ReplyOut.model_validate(view.to_dict()))


@router.delete("/canned/{reply_id}")
async def delete_reply(reply_id: int, agent: AgentDep, ctx: CtxDep) -> OkOut:
    """Delete a reply."""
    await library.delete_reply(ctx, agent, reply_id)
    return OkOut(ok=True)


@router.post("/canned/{reply_id}/render")
async def render(reply_id: int, body: RenderIn, agent: AgentDep, ctx: CtxDep) -> RenderedOut:
    """The reply with the conversation's variables filled; unknown ones become 【请填写：…】 placeholders."""
    done = await library.render(ctx, agent, reply_id, body.conversation_id)
    return RenderedOut(reply_id=done.reply_id, text=done.text, placeholders=done.placeholders)


@router.get("/greetings")
async def list_greetings(agent: AgentDep, ctx: CtxDep) -> GreetingListOut:
    """Every skill group's own greetings (welcome, off-hours, agent joined, closing)."""
    rows = await greetings.list_greetings(ctx, agent)
    return GreetingListOut(
        greetings=[GreetingOut.model_validate(g.to_dict()) for g in rows],
        kinds={kind: list(codes) for kind, codes in greetings.KINDS.items()},
        channels=list(greetings.CHANNELS),
    )


@router.put("/greetings/{group_id}/{code}/{locale}")
async def set_greeting(
    group_id: int, code: str, locale: str, body: GreetingIn, agent: AgentDep, ctx: CtxDep, channel: str = ""
) -> OneGreetingOut:
    """Set a group's own greeting for ``channel`` (empty: every channel) in ``locale`` (admins)."""
    view = await greetings.set_greeting(ctx, agent, group_id, channel, code, locale, body.text)
    return OneGreetingOut(greeting=GreetingOut.model_validate(view.to_dict()))


@router.delete("/greetings/{group_id}/{code}/{locale}")
async def reset_greeting(
    group_id: int, code: str, locale: str, agent: AgentDep, ctx: CtxDep, channel: str = ""
) -> OkOut:
    """Back to the organisation's wording for this group and channel (admins)."""
    await greetings.reset_greeting(ctx, agent, group_id, channel, code, locale)
    return OkOut(ok=True)
