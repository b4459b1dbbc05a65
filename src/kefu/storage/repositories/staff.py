"""Console users as admins manage them: memberships and sign-outs (the rest is in ``users``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import AgentSession, SkillGroup, UserSkillGroup


async def groups_by_id(session: AsyncSession, group_ids: Collection[int]) -> Sequence[SkillGroup]:
    """The skill groups with these ids (unknown ids are simply missing)."""
    if not group_ids:
        return []
    return (await session.execute(select(SkillGroup).where(SkillGroup.id.in_(list(group_ids))))).scalars().all()


async def set_memberships(session: AsyncSession, user_id: int, group_ids: Collection[int]) -> None:
    """Make the user a member of exactly these groups."""
    await session.execute(delete(UserSkillGroup).where(UserSkillGroup.user_id == user_id))
    for group_id in sorted(set(group_ids)):
        session.add(UserSkillGroup(user_id=user_id, skill_group_id=group_id, level=1))
    await session.flush()


async def sign_out_everywhere(session: AsyncSession, user_id: int) -> None:
    """End every session of the user (after a password reset or a deactivation)."""
    await session.execute(delete(AgentSession).where(AgentSession.user_id == user_id))
