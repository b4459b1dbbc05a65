"""Customers and their per-channel identities."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import Conversation, Customer, CustomerIdentity


async def get_customer(session: AsyncSession, customer_id: int) -> Customer | None:
    """The customer with this id."""
    return await session.get(Customer, customer_id)


async def find_by_identity(session: AsyncSession, channel: str, external_id: str) -> Customer | None:
    """The customer a channel knows by ``external_id``."""
    query = (
        select(Customer)
        .join(CustomerIdentity, CustomerIdentity.customer_id == Customer.id)
        .where(CustomerIdentity.channel == channel, CustomerIdentity.external_id == external_id)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def has_visible_conversation(session: AsyncSession, customer_id: int, visible: ColumnElement[bool]) -> bool:
    """True if one of the customer's conversations satisfies ``visible`` (the access policy's SQL form)."""
    query = select(Conversation.id).where(Conversation.customer_id == customer_id, visible).limit(1)
    return (await session.execute(query)).first() is not None
