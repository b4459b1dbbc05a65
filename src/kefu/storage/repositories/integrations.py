"""The configured actions of the company's backend (table ``integration_actions``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import IntegrationAction, User


async def all_actions(session: AsyncSession) -> Sequence[IntegrationAction]:
    """Every action, by name."""
    return (await session.scalars(select(IntegrationAction).order_by(IntegrationAction.name))).all()


async def get_action(session: AsyncSession, name: str) -> IntegrationAction | None:
    """The action called ``name``, if there is one."""
    return await session.scalar(select(IntegrationAction).where(IntegrationAction.name == name))


async def add_action(session: AsyncSession, row: IntegrationAction) -> IntegrationAction:
    """Store a new action (the caller checked that the name is free)."""
    session.add(row)
    await session.flush()
    return row


async def delete_action(session: AsyncSession, row: IntegrationAction) -> None:
    """Remove an action."""
    await session.delete(row)
    await session.flush()


async def user_names(session: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    """Display names of the users who last changed actions (for the console's audit column)."""
    if not user_ids:
        return {}
    rows = await session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
    return {int(row[0]): str(row[1]) for row in rows}
