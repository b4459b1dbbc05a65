"""A customer's recent history across their closed conversations (the widget shows it after a close)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import Conversation, Message


async def closed_messages(
    session: AsyncSession,
    visible: ColumnElement[bool],
    *,
    sender_kinds: Collection[str],
    since: datetime,
    conversations: int,
    limit: int,
) -> Sequence[Message]:
    """The latest ``limit`` messages (of ``sender_kinds``) of the ``conversations`` most recently closed
    conversations that ``visible`` admits and that closed after ``since``; oldest first."""
    recent = (
        select(Conversation.id)
        .where(visible, Conversation.status == "closed", Conversation.closed_at >= since)
        .order_by(Conversation.closed_at.desc(), Conversation.id.desc())
        .limit(conversations)
    )
    ids = list((await session.execute(recent)).scalars().all())
    if not ids:
        return []
    query = (
        select(Message)
        .where(Message.conversation_id.in_(ids), Message.sender_kind.in_(list(sender_kinds)))
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit)
    )
    rows = (await session.execute(query)).unique().scalars().all()
    return list(reversed(rows))
