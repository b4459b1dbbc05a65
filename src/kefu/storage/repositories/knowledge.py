"""Knowledge-base entries, the bot's dictionary, feedback and missed questions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import KnowledgeEntry, SkillGroup


async def count_entries(session: AsyncSession) -> int:
    """Number of entries."""
    return int((await session.execute(select(func.count(KnowledgeEntry.id)))).scalar_one())


async def get_entry(session: AsyncSession, entry_id: int) -> KnowledgeEntry | None:
    """The entry with this id."""
    return await session.get(KnowledgeEntry, entry_id)


async def delete_entry(session: AsyncSession, entry_id: int) -> bool:
    """Delete an entry; False if there was none."""
    result = await session.execute(delete(KnowledgeEntry).where(KnowledgeEntry.id == entry_id))
    return bool(getattr(result, "rowcount", 0))


async def all_entries(session: AsyncSession) -> Sequence[KnowledgeEntry]:
    """Every entry, by id."""
    return (await session.execute(select(KnowledgeEntry).order_by(KnowledgeEntry.id))).scalars().all()


async def group_names(session: AsyncSession) -> dict[int, str]:
    """Skill group id → name."""
    rows = await session.execute(select(SkillGroup.id, SkillGroup.name))
    return {int(row[0]): str(row[1]) for row in rows}


async def search(
    session: AsyncSession, text: str, category: str, limit: int, offset: int
) -> tuple[Sequence[KnowledgeEntry], int]:
    """A page of entries containing ``text`` (in question, similar questions or answer), newest first."""
    query = select(KnowledgeEntry)
    if text:
        pattern = f"%{text}%"
        query = query.where(
            or_(
                KnowledgeEntry.question.like(pattern),
                KnowledgeEntry.similar_questions.like(pattern),
                KnowledgeEntry.answer.like(pattern),
            )
        )
    if category:
        query = query.where(KnowledgeEntry.category == category)
    total = int((await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one())
    page = query.order_by(KnowledgeEntry.updated_at.desc(), KnowledgeEntry.id.desc()).limit(limit).offset(offset)
    return (await session.execute(page)).scalars().all(), total
