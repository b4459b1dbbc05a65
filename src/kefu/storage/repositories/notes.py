"""Internal notes and the mentions in them (``kefu.notes``). Customers' paths never call this module."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import Conversation, ConversationNote, NoteMention, User


async def add_note(
    session: AsyncSession, conversation_id: int, author_id: int, body: str, after_seq: int, now: datetime
) -> ConversationNote:
    """Insert a note (in the caller's transaction) and return it with its author loaded."""
    row = ConversationNote(
        conversation_id=conversation_id, author_id=author_id, body=body, after_seq=after_seq, created_at=now
    )
    session.add(row)
    await session.flush()
    await session.refresh(row, ["author"])
    return row


async def add_mentions(
    session: AsyncSession, note: ConversationNote, user_ids: Collection[int], now: datetime
) -> list[NoteMention]:
    """Record who a note mentions (one row per colleague)."""
    rows = [
        NoteMention(note_id=note.id, conversation_id=note.conversation_id, user_id=user_id, created_at=now)
        for user_id in sorted(set(user_ids))
    ]
    session.add_all(rows)
    await session.flush()
    return rows


async def list_notes(session: AsyncSession, conversation_id: int, limit: int) -> Sequence[ConversationNote]:
    """The conversation's most recent ``limit`` notes, oldest first."""
    query = (
        select(ConversationNote)
        .where(ConversationNote.conversation_id == conversation_id)
        .order_by(ConversationNote.id.desc())
        .limit(limit)
    )
    rows = (await session.execute(query)).unique().scalars().all()
    return list(reversed(rows))


async def mentioned_in(session: AsyncSession, note_ids: Collection[int]) -> dict[int, tuple[int, ...]]:
    """For each note, the ids of the colleagues it mentions."""
    if not note_ids:
        return {}
    query = select(NoteMention.note_id, NoteMention.user_id).where(NoteMention.note_id.in_(list(note_ids)))
    found: dict[int, list[int]] = {}
    for note_id, user_id in (await session.execute(query)).all():
        found.setdefault(note_id, []).append(user_id)
    return {note_id: tuple(sorted(users)) for note_id, users in found.items()}


async def list_mentions(
    session: AsyncSession, user_id: int, visible: ColumnElement[bool], *, unread_only: bool, limit: int
) -> Sequence[NoteMention]:
    """A user's mentions, newest first, in conversations ``visible`` (the access policy's SQL form)
    still lets them see."""
    query = (
        select(NoteMention)
        .join(Conversation, Conversation.id == NoteMention.conversation_id)
        .where(NoteMention.user_id == user_id, visible)
        .order_by(NoteMention.id.desc())
        .limit(limit)
    )
    if unread_only:
        query = query.where(NoteMention.read_at.is_(None))
    return (await session.execute(query)).unique().scalars().all()


async def mark_mentions_read(session: AsyncSession, user_id: int, conversation_id: int, now: datetime) -> int:
    """Mark the user's unread mentions in a conversation read; returns how many were."""
    result = await session.execute(
        update(NoteMention)
        .where(
            NoteMention.user_id == user_id,
            NoteMention.conversation_id == conversation_id,
            NoteMention.read_at.is_(None),
        )
        .values(read_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def active_staff(session: AsyncSession) -> Sequence[User]:
    """Every active console user (with their groups), by display name."""
    query = select(User).where(User.is_active.is_(True)).order_by(User.display_name, User.id)
    return (await session.execute(query)).scalars().all()
