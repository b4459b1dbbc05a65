"""Flow versions, runs in conversations, and sealed customer inputs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import FlowRun, FlowVersion, SealedInput, User

ACTIVE = "active"


async def versions(session: AsyncSession, key: str | None = None) -> Sequence[FlowVersion]:
    """Every version (of one flow), newest first."""
    query = select(FlowVersion).order_by(FlowVersion.key, FlowVersion.version.desc())
    if key is not None:
        query = query.where(FlowVersion.key == key)
    return (await session.scalars(query)).all()


async def user_names(session: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    """Display names of the users who stored versions (the console's version history)."""
    if not user_ids:
        return {}
    rows = await session.execute(select(User.id, User.display_name, User.username).where(User.id.in_(user_ids)))
    return {row.id: row.display_name or row.username for row in rows}


async def published(session: AsyncSession) -> Sequence[FlowVersion]:
    """The version of each flow that new runs start on."""
    query = select(FlowVersion).where(FlowVersion.status == "published").order_by(FlowVersion.key)
    return (await session.scalars(query)).all()


async def get_version(session: AsyncSession, version_id: int) -> FlowVersion | None:
    """One version by id."""
    return await session.get(FlowVersion, version_id)


async def next_version_number(session: AsyncSession, key: str) -> int:
    """The number the next version of ``key`` gets."""
    current = await session.scalar(select(func.max(FlowVersion.version)).where(FlowVersion.key == key))
    return int(current or 0) + 1


async def retire_published(session: AsyncSession, key: str, keep_id: int) -> None:
    """Retire every published version of ``key`` except ``keep_id``."""
    await session.execute(
        update(FlowVersion)
        .where(FlowVersion.key == key, FlowVersion.status == "published", FlowVersion.id != keep_id)
        .values(status="retired")
    )


async def active_run(session: AsyncSession, conversation_id: int) -> FlowRun | None:
    """The flow running in a conversation, if one is."""
    query = select(FlowRun).where(FlowRun.conversation_id == conversation_id, FlowRun.status == ACTIVE)
    return (await session.scalars(query.order_by(FlowRun.id.desc()).limit(1))).first()


async def runs_of(session: AsyncSession, conversation_id: int) -> Sequence[FlowRun]:
    """Every run in a conversation, newest first."""
    query = select(FlowRun).where(FlowRun.conversation_id == conversation_id).order_by(FlowRun.id.desc())
    return (await session.scalars(query)).all()


async def expiring(session: AsyncSession, now: datetime, limit: int = 200) -> Sequence[FlowRun]:
    """Active runs idle past their expiry time."""
    query = (
        select(FlowRun)
        .where(FlowRun.status == ACTIVE, FlowRun.expires_at.is_not(None), FlowRun.expires_at <= now)
        .order_by(FlowRun.expires_at)
        .limit(limit)
    )
    return (await session.scalars(query)).all()


async def expects_secret(session: AsyncSession, conversation_id: int) -> bool:
    """True when the conversation's flow waits for a secret (the next customer message is sealed)."""
    query = select(FlowRun.id).where(
        FlowRun.conversation_id == conversation_id, FlowRun.status == ACTIVE, FlowRun.secret_input.is_(True)
    )
    return (await session.scalar(query.limit(1))) is not None


def add_sealed(session: AsyncSession, row: SealedInput) -> None:
    """Keep a secret input until the flow reads it."""
    session.add(row)


async def take_sealed(session: AsyncSession, sealed_id: int, conversation_id: int) -> str | None:
    """The clear text of a sealed input, deleted in the same transaction."""
    row = await session.get(SealedInput, sealed_id)
    if row is None or row.conversation_id != conversation_id:
        return None
    text = row.text
    await session.delete(row)
    return text


async def drop_sealed(session: AsyncSession, conversation_id: int) -> None:
    """Forget every secret input of a conversation (its flow ended)."""
    await session.execute(delete(SealedInput).where(SealedInput.conversation_id == conversation_id))
