"""Knowledge-base entries: validation and the admin actions (create, edit, enable, delete, search).

Every change emits ``KnowledgeChanged`` after commit; the bot rebuilds its index on it, so edits take
effect at once without a restart.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from kefu.context import Context
from kefu.errors import InvalidInput, NotFound, PermissionDenied
from kefu.events import KnowledgeChanged
from kefu.security.principals import AgentPrincipal, Principal
from kefu.storage.repositories import knowledge as kb_repo
from kefu.storage.repositories import users as user_repo
from kefu.storage.tables import KnowledgeEntry
from kefu.storage.uow import UnitOfWork

MAX_QUESTION = 500
MAX_ANSWER = 5000
MAX_SIMILAR = 200


@dataclass(slots=True)
class EntryData:
    """An entry as an admin or an import file gives it (before it has an id)."""

    question: str
    answer: str
    similar: list[str] = field(default_factory=list)
    category: str = ""
    group: str | None = None
    keywords: list[str] = field(default_factory=list)
    quick_replies: list[str] = field(default_factory=list)
    handover: bool = False
    enabled: bool = True
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    id: int | None = None


def _texts(values: list[str], what: str, limit: int) -> list[str]:
    cleaned: list[str] = []
    for value in values:
        text = value.strip()
        if len(text) > limit:
            raise InvalidInput(f"{what} longer than {limit} characters")
        if text and text not in cleaned:
            cleaned.append(text)
    return cleaned


def validate(data: EntryData) -> EntryData:
    """Check and tidy an entry; raises InvalidInput naming the bad field."""
    question = data.question.strip()
    answer = data.answer.strip()
    if not question:
        raise InvalidInput("the standard question is empty", code="bad_entry")
    if len(question) > MAX_QUESTION:
        raise InvalidInput(f"the standard question is longer than {MAX_QUESTION} characters", code="bad_entry")
    if not answer:
        raise InvalidInput("the answer is empty", code="bad_entry")
    if len(answer) > MAX_ANSWER:
        raise InvalidInput(f"the answer is longer than {MAX_ANSWER} characters", code="bad_entry")
    similar = [q for q in _texts(data.similar, "a similar question is", MAX_QUESTION) if q != question]
    if len(similar) > MAX_SIMILAR:
        raise InvalidInput(f"at most {MAX_SIMILAR} similar questions", code="bad_entry")
    if data.valid_from and data.valid_until and data.valid_until <= data.valid_from:
        raise InvalidInput("valid_until must be after valid_from", code="bad_entry")
    return EntryData(
        question=question,
        answer=answer,
        similar=similar,
        category=data.category.strip()[:100],
        group=(data.group or "").strip() or None,
        keywords=_texts(data.keywords, "a keyword is", 50),
        quick_replies=_texts(data.quick_replies, "a quick reply is", 100)[:8],
        handover=data.handover,
        enabled=data.enabled,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        id=data.id,
    )


@dataclass(frozen=True, slots=True)
class EntryView:
    """An entry as the admin pages, the bot and exports see it."""

    id: int
    question: str
    similar: list[str]
    answer: str
    category: str
    skill_group_id: int | None
    group: str | None
    keywords: list[str]
    quick_replies: list[str]
    handover: bool
    enabled: bool
    valid_from: datetime | None
    valid_until: datetime | None
    updated_at: datetime

    @classmethod
    def of(cls, row: KnowledgeEntry, group: str | None) -> EntryView:
        """From a stored row and its group's name."""
        return cls(
            id=row.id,
            question=row.question,
            similar=list(json.loads(row.similar_questions or "[]")),
            answer=row.answer,
            category=row.category,
            skill_group_id=row.skill_group_id,
            group=group,
            keywords=list(json.loads(row.keywords or "[]")),
            quick_replies=list(json.loads(row.quick_replies or "[]")),
            handover=row.handover,
            enabled=row.enabled,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            updated_at=row.updated_at,
        )

    def active(self, now: datetime) -> bool:
        """Enabled and inside its validity window."""
        if not self.enabled:
            return False
        if self.valid_from is not None and now < self.valid_from:
            return False
        return self.valid_until is None or now < self.valid_until

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        for key in ("valid_from", "valid_until", "updated_at"):
            value = data[key]
            data[key] = value.isoformat() if value is not None else None
        return data


def require_editor(principal: Principal) -> AgentPrincipal:
    """Admins and supervisors edit the knowledge base."""
    if not isinstance(principal, AgentPrincipal) or principal.role not in ("admin", "supervisor"):
        raise PermissionDenied("only admins and supervisors may edit the knowledge base")
    return principal


async def _group_id(uow: UnitOfWork, name: str | None) -> int | None:
    if name is None:
        return None
    group = await user_repo.get_group_by_name(uow.session, name)
    if group is None:
        raise InvalidInput(f"no skill group named {name!r}", code="unknown_group")
    return group.id


async def write_entry(uow: UnitOfWork, data: EntryData, now: datetime) -> KnowledgeEntry:
    """Insert or update (when ``data.id`` names an existing entry) one validated entry."""
    group_id = await _group_id(uow, data.group)
    row = await kb_repo.get_entry(uow.session, data.id) if data.id is not None else None
    if row is None:
        row = KnowledgeEntry(created_at=now)
    row.question = data.question
    row.similar_questions = json.dumps(data.similar, ensure_ascii=False)
    row.answer = data.answer
    row.category = data.category
    row.skill_group_id = group_id
    row.keywords = json.dumps(data.keywords, ensure_ascii=False)
    row.quick_replies = json.dumps(data.quick_replies, ensure_ascii=False)
    row.handover = data.handover
    row.enabled = data.enabled
    row.valid_from = data.valid_from
    row.valid_until = data.valid_until
    row.updated_at = now
    uow.session.add(row)
    await uow.session.flush()
    return row


async def _view(uow: UnitOfWork, row: KnowledgeEntry) -> EntryView:
    names = await kb_repo.group_names(uow.session)
    return EntryView.of(row, names.get(row.skill_group_id) if row.skill_group_id else None)


async def save_entry(ctx: Context, principal: Principal, data: EntryData) -> EntryView:
    """Create an entry, or replace the one ``data.id`` names (NotFound if it does not exist)."""
    require_editor(principal)
    data = validate(data)
    async with ctx.uow() as uow:
        if data.id is not None and await kb_repo.get_entry(uow.session, data.id) is None:
            raise NotFound("knowledge entry not found", code="entry_not_found")
        row = await write_entry(uow, data, ctx.clock.now())
        view = await _view(uow, row)
        uow.emit(KnowledgeChanged((view.id,)))
        await uow.commit()
        return view


async def set_enabled(ctx: Context, principal: Principal, entry_id: int, enabled: bool) -> EntryView:
    """Enable or disable an entry."""
    require_editor(principal)
    async with ctx.uow() as uow:
        row = await kb_repo.get_entry(uow.session, entry_id)
        if row is None:
            raise NotFound("knowledge entry not found", code="entry_not_found")
        row.enabled = enabled
        row.updated_at = ctx.clock.now()
        view = await _view(uow, row)
        uow.emit(KnowledgeChanged((entry_id,)))
        await uow.commit()
        return view


async def delete_entry(ctx: Context, principal: Principal, entry_id: int) -> None:
    """Delete an entry (feedback and missed questions that pointed at it keep their text)."""
    require_editor(principal)
    async with ctx.uow() as uow:
        if not await kb_repo.delete_entry(uow.session, entry_id):
            raise NotFound("knowledge entry not found", code="entry_not_found")
        uow.emit(KnowledgeChanged((entry_id,)))
        await uow.commit()


async def get_entry(ctx: Context, entry_id: int) -> EntryView:
    """One entry."""
    async with ctx.uow() as uow:
        row = await kb_repo.get_entry(uow.session, entry_id)
        if row is None:
            raise NotFound("knowledge entry not found", code="entry_not_found")
        return await _view(uow, row)


async def search_entries(
    ctx: Context, text: str = "", category: str = "", *, limit: int = 50, offset: int = 0
) -> tuple[list[EntryView], int]:
    """Entries whose question, similar questions or answer contain ``text``; and the total count."""
    if not 1 <= limit <= 500 or offset < 0:
        raise InvalidInput("limit must be 1..500 and offset not negative", code="bad_limit")
    async with ctx.uow() as uow:
        rows, total = await kb_repo.search(uow.session, text.strip(), category.strip(), limit, offset)
        names = await kb_repo.group_names(uow.session)
        views = [EntryView.of(r, names.get(r.skill_group_id) if r.skill_group_id else None) for r in rows]
        return views, total


async def all_entries(ctx: Context) -> list[EntryView]:
    """Every entry, by id (for the bot's index and for exports)."""
    async with ctx.uow() as uow:
        rows = await kb_repo.all_entries(uow.session)
        names = await kb_repo.group_names(uow.session)
        return [EntryView.of(r, names.get(r.skill_group_id) if r.skill_group_id else None) for r in rows]
