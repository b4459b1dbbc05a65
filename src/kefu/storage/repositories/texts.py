"""The organisation's overrides of catalogue texts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import TextOverride


async def all_overrides(session: AsyncSession) -> Sequence[TextOverride]:
    """Every override, by code and locale."""
    query = select(TextOverride).order_by(TextOverride.code, TextOverride.locale)
    return (await session.execute(query)).scalars().all()


async def get_override(session: AsyncSession, code: str, locale: str) -> TextOverride | None:
    """The override of ``code`` in ``locale``, row-locked for an update in this transaction."""
    query = select(TextOverride).where(TextOverride.code == code, TextOverride.locale == locale).with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def delete_override(session: AsyncSession, code: str, locale: str) -> bool:
    """Remove an override; False if there was none."""
    result = await session.execute(delete(TextOverride).where(TextOverride.code == code, TextOverride.locale == locale))
    return bool(getattr(result, "rowcount", 0))
