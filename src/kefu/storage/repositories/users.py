"""Users, skill groups, sessions and the organisation row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import AgentSession, Organisation, SkillGroup, User, UserSkillGroup


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    """The user with this id."""
    return await session.get(User, user_id)


async def get_user_by_username(session: AsyncSession, username: str) -> User | None:
    """The user with this login name."""
    result = await session.execute(select(User).where(User.username == username))
    return result.scalar_one_or_none()


async def list_users(session: AsyncSession) -> Sequence[User]:
    """All users, by id."""
    return (await session.execute(select(User).order_by(User.id))).scalars().all()


async def get_group_by_name(session: AsyncSession, name: str) -> SkillGroup | None:
    """The skill group with this name."""
    return (await session.execute(select(SkillGroup).where(SkillGroup.name == name))).scalar_one_or_none()


async def list_groups(session: AsyncSession) -> Sequence[SkillGroup]:
    """All skill groups, by id."""
    return (await session.execute(select(SkillGroup).order_by(SkillGroup.id))).scalars().all()


async def add_membership(session: AsyncSession, user_id: int, group_id: int, level: int = 1) -> None:
    """Put a user in a skill group (no-op if already a member)."""
    if await session.get(UserSkillGroup, (user_id, group_id)) is None:
        session.add(UserSkillGroup(user_id=user_id, skill_group_id=group_id, level=level))
        await session.flush()


async def get_session_by_token_hash(session: AsyncSession, token_hash: str) -> AgentSession | None:
    """The signed-in session for a cookie token's hash."""
    query = select(AgentSession).where(AgentSession.token_hash == token_hash)
    return (await session.execute(query)).scalar_one_or_none()


async def delete_session(session: AsyncSession, token_hash: str) -> None:
    """Sign a session out."""
    await session.execute(delete(AgentSession).where(AgentSession.token_hash == token_hash))


async def delete_expired_sessions(session: AsyncSession, now: datetime) -> None:
    """Forget sessions past their expiry."""
    await session.execute(delete(AgentSession).where(AgentSession.expires_at < now))


async def get_organisation(session: AsyncSession) -> Organisation | None:
    """The installation's organisation row, if set up."""
    return (await session.execute(select(Organisation).order_by(Organisation.id).limit(1))).scalar_one_or_none()
