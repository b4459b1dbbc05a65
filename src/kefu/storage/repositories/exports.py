"""Export queries: tickets and conversations of a date range in keyset batches, and transcripts.

Exports walk the range by primary key (``id > after ORDER BY id LIMIT n``), so a batch costs the
same at the start and at the end of 100,000 rows and the caller holds one batch at a time. Rows are
plain tuples (no ORM identity map), names joined in the same query. Transcripts read ``messages``
only — customer, bot and agent lines; internal notes live in their own table and are never read here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from kefu.storage.tables import Attachment, Conversation, Customer, Message, SkillGroup, Ticket, User

TRANSCRIPT_SENDERS = ("customer", "bot", "agent")


async def count_tickets(session: AsyncSession, start: datetime, end: datetime) -> int:
    """How many tickets were created in [start, end)."""
    query = select(func.count()).select_from(Ticket).where(Ticket.created_at >= start, Ticket.created_at < end)
    return int((await session.execute(query)).scalar_one())


async def ticket_batch(
    session: AsyncSession, start: datetime, end: datetime, after_id: int, limit: int
) -> Sequence[Any]:
    """The next ``limit`` tickets created in [start, end) with id > ``after_id``, with names."""
    assignee = aliased(User)
    query = (
        select(
            Ticket.id,
            Ticket.number,
            Ticket.type_key,
            Ticket.title,
            Ticket.status,
            Ticket.priority,
            Customer.display_name.label("customer"),
            Ticket.phone,
            Ticket.order_no,
            SkillGroup.name.label("group"),
            assignee.display_name.label("assignee"),
            Ticket.source,
            Ticket.created_at,
            Ticket.updated_at,
            Ticket.first_responded_at,
            Ticket.resolved_at,
            Ticket.closed_at,
            Ticket.sla_breached,
            Ticket.reopened_count,
            Ticket.resolution,
            Ticket.fields,
        )
        .join(Customer, Customer.id == Ticket.customer_id)
        .outerjoin(SkillGroup, SkillGroup.id == Ticket.skill_group_id)
        .outerjoin(assignee, assignee.id == Ticket.assignee_id)
        .where(Ticket.created_at >= start, Ticket.created_at < end, Ticket.id > after_id)
        .order_by(Ticket.id)
        .limit(limit)
    )
    return (await session.execute(query)).all()


async def count_conversations(session: AsyncSession, start: datetime, end: datetime) -> int:
    """How many conversations started in [start, end)."""
    query = (
        select(func.count())
        .select_from(Conversation)
        .where(Conversation.created_at >= start, Conversation.created_at < end)
    )
    return int((await session.execute(query)).scalar_one())


async def conversation_batch(
    session: AsyncSession, start: datetime, end: datetime, after_id: int, limit: int
) -> Sequence[Any]:
    """The next ``limit`` conversations started in [start, end) with id > ``after_id``, with names."""
    assignee = aliased(User)
    query = (
        select(
            Conversation.id,
            Conversation.channel,
            Conversation.status,
            Customer.display_name.label("customer"),
            SkillGroup.name.label("group"),
            assignee.display_name.label("assignee"),
            Conversation.created_at,
            Conversation.first_response_at,
            Conversation.closed_at,
            Conversation.closed_reason,
        )
        .join(Customer, Customer.id == Conversation.customer_id)
        .outerjoin(SkillGroup, SkillGroup.id == Conversation.skill_group_id)
        .outerjoin(assignee, assignee.id == Conversation.assignee_id)
        .where(Conversation.created_at >= start, Conversation.created_at < end, Conversation.id > after_id)
        .order_by(Conversation.id)
        .limit(limit)
    )
    return (await session.execute(query)).all()


async def transcript_lines(session: AsyncSession, conversation_ids: Sequence[int]) -> Sequence[Any]:
    """The customer, bot and agent messages of these conversations, in order (never system lines or notes)."""
    if not conversation_ids:
        return []
    query = (
        select(
            Message.conversation_id,
            Message.sender_kind,
            User.display_name.label("agent"),
            Message.text,
            Attachment.filename,
            Message.created_at,
        )
        .outerjoin(User, User.id == Message.sender_user_id)
        .outerjoin(Attachment, Attachment.id == Message.attachment_id)
        .where(Message.conversation_id.in_(list(conversation_ids)), Message.sender_kind.in_(TRANSCRIPT_SENDERS))
        .order_by(Message.conversation_id, Message.seq)
    )
    return (await session.execute(query)).all()
