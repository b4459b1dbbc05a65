"""Canned replies (话术库): folders, replies, the search behind ``/`` in the reply box, and per-group
greetings. Who may see which folder is decided in ``kefu.canned.access``; its SQL form arrives here as
a ready condition so this module only runs queries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import CannedFolder, CannedReply, GreetingOverride, Message


async def folders(session: AsyncSession, visible: ColumnElement[bool]) -> Sequence[CannedFolder]:
    """The folders the caller may see, by scope, sort and name."""
    query = select(CannedFolder).where(visible).order_by(CannedFolder.scope, CannedFolder.sort, CannedFolder.id)
    return (await session.execute(query)).scalars().all()


async def get_folder(session: AsyncSession, folder_id: int) -> CannedFolder | None:
    """One folder by id."""
    return await session.get(CannedFolder, folder_id)


async def find_folder(
    session: AsyncSession, scope: str, name: str, owner_id: int | None, group_id: int | None
) -> CannedFolder | None:
    """The folder of this scope and name (and owner or group), for imports that name folders."""
    query = select(CannedFolder).where(
        CannedFolder.scope == scope,
        CannedFolder.name == name,
        CannedFolder.owner_id.is_(None) if owner_id is None else CannedFolder.owner_id == owner_id,
        CannedFolder.skill_group_id.is_(None) if group_id is None else CannedFolder.skill_group_id == group_id,
    )
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def replies(
    session: AsyncSession, visible: ColumnElement[bool], folder_id: int | None = None
) -> Sequence[tuple[CannedReply, CannedFolder]]:
    """Replies in folders the caller may see (one folder's if ``folder_id``), in folder order."""
    query = (
        select(CannedReply, CannedFolder).join(CannedFolder, CannedReply.folder_id == CannedFolder.id).where(visible)
    )
    if folder_id is not None:
        query = query.where(CannedReply.folder_id == folder_id)
    query = query.order_by(CannedFolder.scope, CannedFolder.sort, CannedFolder.id, CannedReply.sort, CannedReply.id)
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def search(
    session: AsyncSession, visible: ColumnElement[bool], term: str, limit: int
) -> Sequence[tuple[CannedReply, CannedFolder]]:
    """Visible replies whose shortcut, title, pinyin initials or text contain ``term`` (case-insensitive);
    ranking is left to the caller, which sees at most ``limit`` candidates."""
    pattern = _like(term.lower())
    query = (
        select(CannedReply, CannedFolder)
        .join(CannedFolder, CannedReply.folder_id == CannedFolder.id)
        .where(
            visible,
            or_(
                func.lower(CannedReply.shortcut).like(pattern, escape="\\"),
                func.lower(CannedReply.title).like(pattern, escape="\\"),
                CannedReply.initials.like(pattern, escape="\\"),
                func.lower(CannedReply.text).like(pattern, escape="\\"),
            ),
        )
        .order_by(CannedReply.sort, CannedReply.id)
        .limit(limit)
    )
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]


async def get_reply(session: AsyncSession, reply_id: int) -> tuple[CannedReply, CannedFolder] | None:
    """One reply with its folder."""
    query = select(CannedReply, CannedFolder).join(CannedFolder, CannedReply.folder_id == CannedFolder.id)
    row = (await session.execute(query.where(CannedReply.id == reply_id))).first()
    return (row[0], row[1]) if row is not None else None


async def count_replies(session: AsyncSession, folder_id: int) -> int:
    """How many replies a folder holds."""
    query = select(func.count()).select_from(CannedReply).where(CannedReply.folder_id == folder_id)
    return int((await session.execute(query)).scalar_one())


async def customer_texts(session: AsyncSession, conversation_id: int, limit: int = 50) -> Sequence[str]:
    """The customer's latest messages in a conversation, newest first (to find an order number in)."""
    query = (
        select(Message.text)
        .where(Message.conversation_id == conversation_id, Message.sender_kind == "customer")
        .order_by(Message.seq.desc())
        .limit(limit)
    )
    return [str(text) for text in (await session.execute(query)).scalars().all()]


async def all_greetings(session: AsyncSession) -> Sequence[GreetingOverride]:
    """Every group greeting (each node keeps them in its text book)."""
    query = select(GreetingOverride).order_by(
        GreetingOverride.skill_group_id, GreetingOverride.channel, GreetingOverride.code, GreetingOverride.locale
    )
    return (await session.execute(query)).scalars().all()


async def get_greeting(
    session: AsyncSession, group_id: int, channel: str, code: str, locale: str
) -> GreetingOverride | None:
    """One group greeting, row-locked for an update in this transaction."""
    query = select(GreetingOverride).where(
        GreetingOverride.skill_group_id == group_id,
        GreetingOverride.channel == channel,
        GreetingOverride.code == code,
        GreetingOverride.locale == locale,
    )
    return (await session.execute(query.with_for_update())).scalar_one_or_none()


async def delete_greeting(session: AsyncSession, group_id: int, channel: str, code: str, locale: str) -> bool:
    """Remove a group greeting; False if there was none."""
    result = await session.execute(
        delete(GreetingOverride).where(
            GreetingOverride.skill_group_id == group_id,
            GreetingOverride.channel == channel,
            GreetingOverride.code == code,
            GreetingOverride.locale == locale,
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def find_reply(session: AsyncSession, folder_id: int, title: str) -> CannedReply | None:
    """The reply with this title in a folder (imports update it rather than add a twin)."""
    query = select(CannedReply).where(CannedReply.folder_id == folder_id, CannedReply.title == title)
    return (await session.execute(query.limit(1))).scalar_one_or_none()
