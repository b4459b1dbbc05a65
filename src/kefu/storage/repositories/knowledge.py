"""Knowledge-base entries."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import KnowledgeEntry


async def count_entries(session: AsyncSession) -> int:
    """Number of entries."""
    return int((await session.execute(select(func.count(KnowledgeEntry.id)))).scalar_one())
