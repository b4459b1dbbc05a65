"""The library's actions: list, search, and change folders and replies. Each is one transaction and
checks :mod:`kefu.canned.access` before it reads or writes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kefu.canned import pinyin, variables
from kefu.canned.access import Scope, may_edit, may_read, visible_clause
from kefu.context import Context
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kefu.security.access import load_visible, require_agent
from kefu.security.principals import AgentPrincipal, Principal
from kefu.storage.repositories import canned as canned_repo
from kefu.storage.repositories import routing as routing_repo
from kefu.storage.tables import CannedFolder, CannedReply

MAX_TITLE = 100
MAX_SHORTCUT = 32
MAX_TEXT = 5000
SEARCH_LIMIT = 20
_SHORTCUT = re.compile(r"^[\w-]*$")


@dataclass(frozen=True, slots=True)
class FolderView:
    """A folder as the console shows it; ``editable`` says whether the caller may change it."""

    id: int
    scope: str
    name: str
    owner_id: int | None
    skill_group_id: int | None
    sort: int
    editable: bool

    @classmethod
    def of(cls, row: CannedFolder, agent: AgentPrincipal) -> FolderView:
        """From a row, for ``agent``."""
        editable = may_edit(agent, row.scope, row.owner_id, row.skill_group_id)
        return cls(row.id, row.scope, row.name, row.owner_id, row.skill_group_id, row.sort, editable)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "scope": self.scope,
            "name": self.name,
            "owner_id": self.owner_id,
            "skill_group_id": self.skill_group_id,
            "sort": self.sort,
            "editable": self.editable,
        }


@dataclass(frozen=True, slots=True)
class ReplyView:
    """A reply with its folder's name and scope."""

    id: int
    folder_id: int
    folder: str
    scope: str
    title: str
    shortcut: str
    text: str
    initials: str
    sort: int
    editable: bool
    updated_at: datetime

    @classmethod
    def of(cls, row: CannedReply, folder: CannedFolder, agent: AgentPrincipal) -> ReplyView:
        """From a row and its folder, for ``agent``."""
        editable = may_edit(agent, folder.scope, folder.owner_id, folder.skill_group_id)
        return cls(
            row.id,
            folder.id,
            folder.name,
            folder.scope,
            row.title,
            row.shortcut,
            row.text,
            row.initials,
            row.sort,
            editable,
            row.updated_at,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "folder_id": self.folder_id,
            "folder": self.folder,
            "scope": self.scope,
            "title": self.title,
            "shortcut": self.shortcut,
            "text": self.text,
            "initials": self.initials,
            "sort": self.sort,
            "editable": self.editable,
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class FolderData:
    """What a folder is made of (the owner of a personal folder is whoever creates it)."""

    scope: str
    name: str
    skill_group_id: int | None = None
    sort: int = 0


@dataclass(frozen=True, slots=True)
class ReplyData:
    """What a reply is made of."""

    folder_id: int
    title: str
    text: str
    shortcut: str = ""
    sort: int = 0


def check_reply(data: ReplyData) -> ReplyData:
    """The reply to store (trimmed), or InvalidInput naming what is wrong."""
    title, text = data.title.strip(), data.text.strip()
    shortcut = data.shortcut.strip().lstrip("/")
    if not title:
        raise InvalidInput("the title is empty", code="canned_title_empty")
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"the title is longer than {MAX_TITLE} characters", code="canned_title_too_long")
    if not text:
        raise InvalidInput("the text is empty", code="canned_text_empty")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"the text is longer than {MAX_TEXT} characters", code="canned_text_too_long")
    if len(shortcut) > MAX_SHORTCUT or not _SHORTCUT.match(shortcut):
        raise InvalidInput(
            f"a shortcut is up to {MAX_SHORTCUT} letters, digits, _ or - (no spaces)", code="canned_bad_shortcut"
        )
    return ReplyData(data.folder_id, title, text, shortcut, data.sort)


def check_folder(data: FolderData) -> FolderData:
    """The folder to store (trimmed), or InvalidInput."""
    name = data.name.strip()
    if data.scope not in tuple(Scope):
        raise InvalidInput("scope must be personal, team or organisation", code="canned_bad_scope")
    if not name or len(name) > MAX_TITLE:
        raise InvalidInput(f"a folder name is 1–{MAX_TITLE} characters", code="canned_bad_folder_name")
    if (data.scope == Scope.TEAM) != (data.skill_group_id is not None):
        raise InvalidInput("a team folder (and only a team folder) names its skill group", code="canned_bad_scope")
    return FolderData(data.scope, name, data.skill_group_id, data.sort)


def rank(term: str, view: ReplyView) -> tuple[int, int, int]:
    """Order of a search hit: exact shortcut, shortcut prefix, initials prefix, title, initials, text."""
    term = term.lower()
    shortcut, title = view.shortcut.lower(), view.title.lower()
    if shortcut == term:
        kind = 0
    elif shortcut.startswith(term):
        kind = 1
    elif view.initials.startswith(term):
        kind = 2
    elif term in title:
        kind = 3
    elif term in view.initials:
        kind = 4
    else:
        kind = 5
    return kind, view.sort, view.id


async def library(ctx: Context, principal: Principal) -> tuple[list[FolderView], list[ReplyView]]:
    """Every folder and reply the caller may read."""
    agent = require_agent(principal)
    visible = visible_clause(agent)
    async with ctx.uow() as uow:
        folders = [FolderView.of(f, agent) for f in await canned_repo.folders(uow.session, visible)]
        replies = [ReplyView.of(r, f, agent) for r, f in await canned_repo.replies(uow.session, visible)]
    return folders, replies


async def search(ctx: Context, principal: Principal, term: str, limit: int = SEARCH_LIMIT) -> list[ReplyView]:
    """The caller's replies matching ``term`` by shortcut, title, pinyin initials or text, best first
    (an empty term lists the first ones, for the popup that has just opened)."""
    agent = require_agent(principal)
    term = term.strip().lstrip("/")
    visible = visible_clause(agent)
    async with ctx.uow() as uow:
        if not term:
            rows = (await canned_repo.replies(uow.session, visible))[:limit]
            return [ReplyView.of(r, f, agent) for r, f in rows]
        rows = await canned_repo.search(uow.session, visible, term, limit * 10)
    views = [ReplyView.of(r, f, agent) for r, f in rows]
    return sorted(views, key=lambda v: rank(term, v))[:limit]


async def _editable_folder(uow_session: AsyncSession, agent: AgentPrincipal, folder_id: int) -> CannedFolder:
    folder = await canned_repo.get_folder(uow_session, folder_id)
    if folder is None or not may_read(agent, folder.scope, folder.owner_id, folder.skill_group_id):
        raise NotFound("folder not found", code="canned_folder_not_found")
    if not may_edit(agent, folder.scope, folder.owner_id, folder.skill_group_id):
        raise PermissionDenied(_who_edits(folder.scope), code="canned_not_editable")
    return folder


def _who_edits(scope: str) -> str:
    if scope == Scope.ORGANISATION:
        return "only admins may change organisation replies"
    if scope == Scope.TEAM:
        return "only supervisors and admins may change team replies"
    return "only its owner may change a personal folder"


async def create_folder(ctx: Context, principal: Principal, data: FolderData) -> FolderView:
    """A new folder (personal: anyone, for themselves; team: supervisors and admins; organisation: admins)."""
    agent = require_agent(principal)
    data = check_folder(data)
    owner = agent.user_id if data.scope == Scope.PERSONAL else None
    if not may_edit(agent, data.scope, owner, data.skill_group_id):
        raise PermissionDenied(_who_edits(data.scope), code="canned_not_editable")
    async with ctx.uow() as uow:
        if data.skill_group_id is not None and await routing_repo.get_group(uow.session, data.skill_group_id) is None:
            raise InvalidInput("there is no such skill group", code="unknown_group")
        row = CannedFolder(
            scope=data.scope,
            name=data.name,
            owner_id=owner,
            skill_group_id=data.skill_group_id,
            sort=data.sort,
            created_at=ctx.clock.now(),
        )
        uow.session.add(row)
        await uow.session.flush()
        view = FolderView.of(row, agent)
        await uow.commit()
    return view


async def rename_folder(ctx: Context, principal: Principal, folder_id: int, name: str, sort: int) -> FolderView:
    """Rename or re-sort a folder (its scope stays)."""
    agent = require_agent(principal)
    async with ctx.uow() as uow:
        row = await _editable_folder(uow.session, agent, folder_id)
        data = check_folder(FolderData(row.scope, name, row.skill_group_id, sort))
        row.name, row.sort = data.name, data.sort
        await uow.session.flush()
        view = FolderView.of(row, agent)
        await uow.commit()
    return view


async def delete_folder(ctx: Context, principal: Principal, folder_id: int) -> None:
    """Delete an empty folder (Conflict while it holds replies, so nothing is lost by a slip)."""
    agent = require_agent(principal)
    async with ctx.uow() as uow:
        row = await _editable_folder(uow.session, agent, folder_id)
        if await canned_repo.count_replies(uow.session, folder_id):
            raise Conflict("the folder still holds replies", code="canned_folder_not_empty")
        await uow.session.delete(row)
        await uow.commit()


async def create_reply(ctx: Context, principal: Principal, data: ReplyData) -> ReplyView:
    """A new reply in a folder the caller may change."""
    agent = require_agent(principal)
    data = check_reply(data)
    async with ctx.uow() as uow:
        folder = await _editable_folder(uow.session, agent, data.folder_id)
        now = ctx.clock.now()
        row = new_reply(data, agent.user_id, now)
        uow.session.add(row)
        await uow.session.flush()
        view = ReplyView.of(row, folder, agent)
        await uow.commit()
    return view


def new_reply(data: ReplyData, user_id: int | None, now: datetime) -> CannedReply:
    """The row for a checked reply, with its pinyin initials."""
    return CannedReply(
        folder_id=data.folder_id,
        title=data.title,
        shortcut=data.shortcut,
        text=data.text,
        initials=pinyin.initials(data.title),
        sort=data.sort,
        created_by_id=user_id,
        updated_by_id=user_id,
        created_at=now,
        updated_at=now,
    )


async def update_reply(ctx: Context, principal: Principal, reply_id: int, data: ReplyData) -> ReplyView:
    """Change a reply (and move it to another folder the caller may change)."""
    agent = require_agent(principal)
    data = check_reply(data)
    async with ctx.uow() as uow:
        found = await canned_repo.get_reply(uow.session, reply_id)
        if found is None:
            raise NotFound("reply not found", code="canned_reply_not_found")
        row, folder = found
        await _editable_folder(uow.session, agent, folder.id)
        if data.folder_id != folder.id:
            folder = await _editable_folder(uow.session, agent, data.folder_id)
        row.folder_id, row.title, row.shortcut, row.text, row.sort = (
            data.folder_id,
            data.title,
            data.shortcut,
            data.text,
            data.sort,
        )
        row.initials = pinyin.initials(data.title)
        row.updated_by_id, row.updated_at = agent.user_id, ctx.clock.now()
        await uow.session.flush()
        view = ReplyView.of(row, folder, agent)
        await uow.commit()
    return view


async def delete_reply(ctx: Context, principal: Principal, reply_id: int) -> None:
    """Delete a reply from a folder the caller may change."""
    agent = require_agent(principal)
    async with ctx.uow() as uow:
        found = await canned_repo.get_reply(uow.session, reply_id)
        if found is None:
            raise NotFound("reply not found", code="canned_reply_not_found")
        await _editable_folder(uow.session, agent, found[1].id)
        await uow.session.delete(found[0])
        await uow.commit()


async def readable_reply(ctx: Context, agent: AgentPrincipal, reply_id: int) -> ReplyView:
    """One reply the caller may read; NotFound otherwise."""
    async with ctx.uow() as uow:
        found = await canned_repo.get_reply(uow.session, reply_id)
    if found is None or not may_read(agent, found[1].scope, found[1].owner_id, found[1].skill_group_id):
        raise NotFound("reply not found", code="canned_reply_not_found")
    return ReplyView.of(found[0], found[1], agent)


@dataclass(frozen=True, slots=True)
class Rendered:
    """A reply ready to insert: variables filled, and the placeholders the agent still has to fill."""

    reply_id: int
    text: str
    placeholders: list[str]


async def render(ctx: Context, principal: Principal, reply_id: int, conversation_id: int | None) -> Rendered:
    """The reply's text with what kefu knows about ``conversation_id`` filled in (the caller must be
    allowed to read both the reply and the conversation)."""
    agent = require_agent(principal)
    reply = await readable_reply(ctx, agent, reply_id)
    async with ctx.uow() as uow:
        conversation = await load_visible(uow.session, agent, conversation_id) if conversation_id is not None else None
        values = await variables.values_for(uow.session, agent, conversation, ctx.clock.now(), ctx.texts)
    text = variables.fill(reply.text, values, agent.locale)
    return Rendered(reply.id, text, variables.PLACEHOLDER.findall(text))
