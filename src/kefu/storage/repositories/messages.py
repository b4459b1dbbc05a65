"""Messages and attachments."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import Attachment, Message


async def find_by_client_msg_id(session: AsyncSession, conversation_id: int, client_msg_id: str) -> Message | None:
    """The message a client already sent with this id, if any."""
    query = select(Message).where(Message.conversation_id == conversation_id, Message.client_msg_id == client_msg_id)
    return (await session.execute(query)).unique().scalar_one_or_none()


async def list_after(session: AsyncSession, conversation_id: int, after_seq: int, limit: int) -> Sequence[Message]:
    """Up to ``limit`` messages with ``seq > after_seq``, oldest first."""
    query = (
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.seq > after_seq)
        .order_by(Message.seq)
        .limit(limit)
    )
    return (await session.execute(query)).unique().scalars().all()


async def list_before(session: AsyncSession, conversation_id: int, before_seq: int, limit: int) -> Sequence[Message]:
    """The ``limit`` messages just before ``before_seq``, returned oldest first."""
    query = (
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.seq < before_seq)
        .order_by(Message.seq.desc())
        .limit(limit)
    )
    rows = (await session.execute(query)).unique().scalars().all()
    return list(reversed(rows))


async def get_attachment(session: AsyncSession, attachment_id: int) -> Attachment | None:
    """The attachment with this id."""
    return await session.get(Attachment, attachment_id)


async def get_message(session: AsyncSession, message_id: int) -> Message | None:
    """The message with this id (with attachment and sender loaded)."""
    return await session.get(Message, message_id)


async def last_from(session: AsyncSession, conversation_id: int, sender_kind: str) -> Message | None:
    """The latest message of ``sender_kind`` in the conversation."""
    query = (
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.sender_kind == sender_kind)
        .order_by(Message.seq.desc())
        .limit(1)
    )
    return (await session.execute(query)).unique().scalar_one_or_none()


async def first_customer_text(session: AsyncSession, conversation_id: int) -> str | None:
    """The first thing the customer wrote in the conversation (a ticket's title by default)."""
    query = (
        select(Message.text)
        .where(Message.conversation_id == conversation_id, Message.sender_kind == "customer", Message.text != "")
        .order_by(Message.seq)
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()
