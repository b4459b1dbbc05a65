"""Conversations: lookup, listing with unread counts, sequence allocation and guarded status changes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypedDict

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.conversations.status import Status
from kefu.storage.tables import Conversation, Customer, Message


@dataclass(frozen=True, slots=True)
class ConversationFilter:
    """Which conversations a listing returns; fields left ``None`` do not filter."""

    statuses: Collection[str] | None = None
    assignee_id: int | None = None
    customer_id: int | None = None
    channel: str | None = None
    # The access policy's SQL form for the caller (``security.access.visible_clause``).
    visible: ColumnElement[bool] | None = None


class ConversationUpdate(TypedDict, total=False):
    """The columns a status move may set (``conversations.lifecycle`` fills it)."""

    status: str
    skill_group_id: int | None
    assignee_id: int | None
    handover_reason: str | None
    priority: int
    updated_at: datetime
    waiting_since: datetime | None
    assignee_since: datetime | None
    queue_deadline_at: datetime | None
    sla_due_at: datetime | None
    closed_at: datetime
    closed_reason: str
    closed_by_user_id: int | None


WriteOnce = Literal["queued_at", "assigned_at", "first_response_at"]


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
            Conversation.status != Status.CLOSED.value,
        )
        .order_by(Conversation.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).unique().scalar_one_or_none()


async def next_seq(session: AsyncSession, conversation_id: int, now: datetime, *, agent_reply: bool = False) -> int:
    """Allocate the conversation's next message sequence number (locks the row until commit); an
    agent's reply also records the first response time, once."""
    values: dict[str, object] = {"last_seq": Conversation.last_seq + 1, "updated_at": now, "last_message_at": now}
    if agent_reply:
        values["first_response_at"] = func.coalesce(Conversation.first_response_at, now)
    statement = (
        update(Conversation).where(Conversation.id == conversation_id).values(values).returning(Conversation.last_seq)
    )
    return int((await session.execute(statement)).scalar_one())


async def guarded_update(
    session: AsyncSession,
    conversation_id: int,
    from_statuses: Collection[str],
    values: ConversationUpdate,
    *,
    assignee_id: int | None = None,
) -> bool:
    """Change a conversation only if its status is one of ``from_statuses`` (and, if given, its assignee
    is ``assignee_id``); False if it was not. One guarded UPDATE, so two racing moves cannot both win."""
    conditions = [Conversation.id == conversation_id, Conversation.status.in_(list(from_statuses))]
    if assignee_id is not None:
        conditions.append(Conversation.assignee_id == assignee_id)
    statement = update(Conversation).where(*conditions).values(**values).execution_options(synchronize_session=False)
    result = await session.execute(statement)
    return bool(getattr(result, "rowcount", 0))


async def set_once(session: AsyncSession, conversation_id: int, column: WriteOnce, when: datetime) -> None:
    """Record a milestone the first time it happens; later calls leave the first value."""
    target = getattr(Conversation, column)
    statement = (
        update(Conversation)
        .where(Conversation.id == conversation_id, target.is_(None))
        .values({column: when})
        .execution_options(synchronize_session=False)
    )
    await session.execute(statement)


async def has_assigned(session: AsyncSession, assignee_id: int, customer_id: int) -> bool:
    """True if an open conversation with ``customer_id`` is assigned to ``assignee_id``."""
    query = (
        select(Conversation.id)
        .where(
            Conversation.assignee_id == assignee_id,
            Conversation.customer_id == customer_id,
            Conversation.status == Status.ASSIGNED.value,
        )
        .limit(1)
    )
    return (await session.execute(query)).first() is not None


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
    if where.visible is not None:
        query = query.where(where.visible)
    query = query.order_by(func.coalesce(Conversation.last_message_at, Conversation.created_at).desc()).limit(limit)
    rows = (await session.execute(query)).unique().all()
    return [ListedConversation(row[0], int(row[1] or 0), row[2] or "") for row in rows]
