"""Conversations: lookup, listing with unread counts, sequence allocation and guarded status changes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import Conversation, Customer, Message


@dataclass(frozen=True, slots=True)
class ConversationFilter:
    """Which conversations a listing returns; fields left ``None`` do not filter."""

    statuses: Collection[str] | None = None
    assignee_id: int | None = None
    customer_id: int | None = None
    channel: str | None = None
    # For agents: only queued conversations of these groups (or with no group), plus their own.
    visible_to_agent: tuple[int, Collection[int]] | None = None


async def get(session: AsyncSession, conversation_id: int) -> Conversation | None:
    """The conversation with this id, with customer, assignee and group loaded."""
    return await session.get(Conversation, conversation_id, populate_existing=True)


async def get_for_update(session: AsyncSession, conversation_id: int) -> Conversation | None:
    """The conversation, row-locked until commit on engines that lock rows (SQLite locks the file)."""
    query = select(Conversation).where(Conversation.id == conversation_id).with_for_update(of=Conversation)
    return (await session.execute(query.execution_options(populate_existing=True))).unique().scalar_one_or_none()


async def lock_customer(session: AsyncSession, customer_id: int) -> None:
    """Serialise work on one customer (e.g. opening their conversation) across concurrent requests."""
    query = select(Customer.id).where(Customer.id == customer_id).with_for_update()
    await session.execute(query)


async def find_open(session: AsyncSession, customer_id: int, channel: str) -> Conversation | None:
    """The customer's conversation on ``channel`` that is not closed, if any."""
    query = (
        select(Conversation)
        .where(
            Conversation.customer_id == customer_id,
            Conversation.channel == channel,
            Conversation.status != "closed",
        )
        .order_by(Conversation.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).unique().scalar_one_or_none()


async def next_seq(session: AsyncSession, conversation_id: int, now: datetime) -> int:
    """Allocate the conversation's next message sequence number (locks the row until commit)."""
    statement = (
        update(Conversation)
        .where(Conversation.id == conversation_id)
        .values(last_seq=Conversation.last_seq + 1, updated_at=now, last_message_at=now)
        .returning(Conversation.last_seq)
    )
    return int((await session.execute(statement)).scalar_one())


async def transition(
    session: AsyncSession, conversation_id: int, from_statuses: Collection[str], values: dict[str, Any]
) -> bool:
    """Change a conversation only if its status is one of ``from_statuses``; False if it was not.

    A single guarded UPDATE, so two agents taking the same conversation cannot both succeed.
    """
    statement = (
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.status.in_(list(from_statuses)))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(statement)
    return bool(getattr(result, "rowcount", 0))


async def raise_read_seq(session: AsyncSession, conversation_id: int, column: str, seq: int) -> bool:
    """Move a read marker forward (never back); True if it moved."""
    target = getattr(Conversation, column)
    statement = (
        update(Conversation)
        .where(Conversation.id == conversation_id, target < seq, Conversation.last_seq >= seq)
        .values({column: seq})
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(await session.execute(statement), "rowcount", 0))


@dataclass(frozen=True, slots=True)
class ListedConversation:
    """A conversation with what a list shows beside it."""

    conversation: Conversation
    unread: int
    preview: str


async def list_conversations(
    session: AsyncSession, where: ConversationFilter, *, limit: int = 100
) -> Sequence[ListedConversation]:
    """Conversations matching ``where``, most recent activity first, with agent-unread counts."""
    unread = (
        select(func.count(Message.id))
        .where(
            Message.conversation_id == Conversation.id,
            Message.sender_kind == "customer",
            Message.seq > Conversation.agent_read_seq,
        )
        .correlate(Conversation)
        .scalar_subquery()
    )
    preview = (
        select(Message.text)
        .where(Message.conversation_id == Conversation.id, Message.seq == Conversation.last_seq)
        .correlate(Conversation)
        .scalar_subquery()
    )
    query = select(Conversation, unread, preview)
    if where.statuses is not None:
        query = query.where(Conversation.status.in_(list(where.statuses)))
    if where.assignee_id is not None:
        query = query.where(Conversation.assignee_id == where.assignee_id)
    if where.customer_id is not None:
        query = query.where(Conversation.customer_id == where.customer_id)
    if where.channel is not None:
        query = query.where(Conversation.channel == where.channel)
    if where.visible_to_agent is not None:
        agent_id, group_ids = where.visible_to_agent
        waiting_for_group = and_(
            Conversation.status == "queued",
            or_(Conversation.skill_group_id.is_(None), Conversation.skill_group_id.in_(list(group_ids))),
        )
        query = query.where(or_(Conversation.assignee_id == agent_id, waiting_for_group))
    query = query.order_by(func.coalesce(Conversation.last_message_at, Conversation.created_at).desc()).limit(limit)
    rows = (await session.execute(query)).unique().all()
    return [ListedConversation(row[0], int(row[1] or 0), row[2] or "") for row in rows]
