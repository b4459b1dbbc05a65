"""Routing queries: presence rows, agents' load, the queue of a skill group, handling times.

Assignment is race-free by construction: the queue head and the agent's presence row are row-locked
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent assigners spread out instead of waiting and
never deadlock), the agent's load is counted after the lock, and the conversation moves with a guarded
``UPDATE … WHERE status = 'queued'``. SQLite serialises write transactions (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.conversations.status import Status
from kefu.storage.tables import AgentPresence, Conversation, Customer, Message, SkillGroup, User, UserSkillGroup

DEFAULT_CAPACITY = 5


@dataclass(frozen=True, slots=True)
class AgentLoad:
    """An agent as routing sees them: presence, effective capacity and open conversations."""

    user_id: int
    display_name: str
    role: str
    status: str
    connections: int
    capacity: int
    load: int
    last_assigned_at: datetime | None
    group_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Waiting:
    """A queued conversation in queue order."""

    conversation_id: int
    customer_id: int
    customer_name: str
    skill_group_id: int | None
    priority: int
    waiting_since: datetime
    handover_reason: str | None
    queue_deadline_at: datetime | None
    channel: str


def _group_filter(group_id: int | None) -> Any:
    if group_id is None:
        return Conversation.skill_group_id.is_(None)
    return Conversation.skill_group_id == group_id


QUEUE_ORDER = (
    Conversation.priority.desc(),
    func.coalesce(Conversation.waiting_since, Conversation.queued_at, Conversation.created_at),
    Conversation.id,
)


async def get_group(session: AsyncSession, group_id: int | None) -> SkillGroup | None:
    """The skill group, or None for the shared queue of ungrouped conversations."""
    if group_id is None:
        return None
    return await session.get(SkillGroup, group_id, populate_existing=True)


async def get_presence(session: AsyncSession, user_id: int) -> AgentPresence | None:
    """The agent's presence row (None: never set, i.e. offline)."""
    return await session.get(AgentPresence, user_id, populate_existing=True)


async def ensure_presence(session: AsyncSession, user_id: int, now: datetime) -> None:
    """Create the agent's presence row (offline) if missing; safe under concurrency."""
    values = {"user_id": user_id, "status": "offline", "connections": 0, "status_changed_at": now}
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    await session.execute(insert(AgentPresence).values(**values).on_conflict_do_nothing())


async def lock_presence(session: AsyncSession, user_id: int, *, skip_locked: bool = False) -> AgentPresence | None:
    """The presence row, locked until commit; with ``skip_locked`` None if another transaction holds it."""
    query = (
        select(AgentPresence)
        .where(AgentPresence.user_id == user_id)
        .with_for_update(skip_locked=skip_locked)
        .execution_options(populate_existing=True)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def open_count(session: AsyncSession, user_id: int) -> int:
    """Conversations assigned to the agent and not closed."""
    query = select(func.count(Conversation.id)).where(
        Conversation.assignee_id == user_id, Conversation.status == Status.ASSIGNED.value
    )
    return int((await session.execute(query)).scalar_one())


async def agents(
    session: AsyncSession, *, group_id: int | None = None, online_only: bool = False, user_id: int | None = None
) -> list[AgentLoad]:
    """Console users with presence, capacity and load; only members of ``group_id``, only online ones,
    or only ``user_id`` when asked. Three queries whatever the number of agents."""
    query = (
        select(
            User.id,
            User.display_name,
            User.role,
            AgentPresence.status,
            AgentPresence.connections,
            AgentPresence.capacity,
            AgentPresence.last_assigned_at,
        )
        .outerjoin(AgentPresence, AgentPresence.user_id == User.id)
        .where(User.is_active.is_(True))
        .order_by(User.id)
    )
    if group_id is not None:
        members = select(UserSkillGroup.user_id).where(UserSkillGroup.skill_group_id == group_id)
        query = query.where(User.id.in_(members))
    if online_only:
        query = query.where(AgentPresence.status == "online")
    if user_id is not None:
        query = query.where(User.id == user_id)
    rows = (await session.execute(query)).all()
    if not rows:
        return []
    ids = [row[0] for row in rows]
    memberships = (
        await session.execute(
            select(UserSkillGroup.user_id, UserSkillGroup.skill_group_id, SkillGroup.default_capacity)
            .join(SkillGroup, SkillGroup.id == UserSkillGroup.skill_group_id)
            .where(UserSkillGroup.user_id.in_(ids))
        )
    ).all()
    loads: dict[int, int] = {
        int(aid): int(n)
        for aid, n in (
            await session.execute(
                select(Conversation.assignee_id, func.count(Conversation.id))
                .where(Conversation.status == Status.ASSIGNED.value, Conversation.assignee_id.in_(ids))
                .group_by(Conversation.assignee_id)
            )
        ).all()
        if aid is not None
    }
    groups_of: dict[int, list[tuple[int, int]]] = {}
    for uid, gid, default_capacity in memberships:
        groups_of.setdefault(uid, []).append((gid, default_capacity))
    result: list[AgentLoad] = []
    for uid, name, role, status, connections, own_capacity, last_assigned_at in rows:
        mine = sorted(groups_of.get(uid, []))
        capacity = own_capacity if own_capacity is not None else max((c for _, c in mine), default=DEFAULT_CAPACITY)
        result.append(
            AgentLoad(
                user_id=uid,
                display_name=name,
                role=role,
                status=status or "offline",
                connections=connections or 0,
                capacity=capacity,
                load=loads.get(uid, 0),
                last_assigned_at=last_assigned_at,
                group_ids=tuple(g for g, _ in mine),
            )
        )
    return result


async def queue(session: AsyncSession, group_id: int | None, *, limit: int | None = None) -> list[Waiting]:
    """The conversations waiting in a group's queue (or the ungrouped one), first served first."""
    query = (
        select(
            Conversation.id,
            Conversation.customer_id,
            Customer.display_name,
            Conversation.skill_group_id,
            Conversation.priority,
            func.coalesce(Conversation.waiting_since, Conversation.queued_at, Conversation.created_at),
            Conversation.handover_reason,
            Conversation.queue_deadline_at,
            Conversation.channel,
        )
        .join(Customer, Customer.id == Conversation.customer_id)
        .where(Conversation.status == Status.QUEUED.value, _group_filter(group_id))
        .order_by(*QUEUE_ORDER)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = (await session.execute(query)).all()
    return [Waiting(*row) for row in rows]


async def lock_queue_head(session: AsyncSession, group_id: int | None) -> int | None:
    """The id of the first waiting conversation of the queue, locked (skipping ones others hold)."""
    query = (
        select(Conversation.id)
        .where(Conversation.status == Status.QUEUED.value, _group_filter(group_id))
        .order_by(*QUEUE_ORDER)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def queued_group_ids(session: AsyncSession) -> set[int | None]:
    """Every queue that has someone waiting (None: the ungrouped queue)."""
    query = select(Conversation.skill_group_id).where(Conversation.status == Status.QUEUED.value).distinct()
    return set((await session.execute(query)).scalars().all())


async def recent_handling_seconds(session: AsyncSession, group_id: int | None, limit: int = 20) -> list[float]:
    """How long the group's most recently closed conversations were served (assigned → closed)."""
    query = (
        select(Conversation.assigned_at, Conversation.closed_at)
        .where(
            Conversation.status == Status.CLOSED.value,
            _group_filter(group_id),
            Conversation.assigned_at.is_not(None),
            Conversation.closed_at.is_not(None),
        )
        .order_by(Conversation.closed_at.desc())
        .limit(limit)
    )
    rows = (await session.execute(query)).all()
    return [(closed - assigned).total_seconds() for assigned, closed in rows if assigned and closed]


async def last_agent_of(session: AsyncSession, customer_id: int, exclude_id: int, since: datetime) -> int | None:
    """The agent who most recently served this customer since ``since`` (for "last agent first")."""
    query = (
        select(Conversation.assignee_id)
        .where(
            Conversation.customer_id == customer_id,
            Conversation.id != exclude_id,
            Conversation.assignee_id.is_not(None),
            Conversation.updated_at >= since,
        )
        .order_by(Conversation.updated_at.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


class WaitingUpdate(TypedDict, total=False):
    """What routing sets on a conversation while it stays in the queue."""

    priority: int
    queue_deadline_at: datetime | None


async def update_waiting(session: AsyncSession, conversation_id: int, values: WaitingUpdate) -> bool:
    """Set queue fields only if the conversation is still queued (a guarded UPDATE); False if not."""
    statement = (
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.status == Status.QUEUED.value)
        .values(**values)
    )
    result = await session.execute(statement.execution_options(synchronize_session=False))
    return bool(getattr(result, "rowcount", 0))


async def due_queue_timeouts(session: AsyncSession, now: datetime) -> Sequence[int]:
    """Queued conversations whose wait passed their group's queue timeout (not yet offered)."""
    query = select(Conversation.id).where(
        Conversation.status == Status.QUEUED.value,
        Conversation.queue_deadline_at.is_not(None),
        Conversation.queue_deadline_at <= now,
    )
    return (await session.execute(query)).scalars().all()


async def due_sla(session: AsyncSession, now: datetime) -> Sequence[tuple[int, int, int | None]]:
    """Assigned conversations past their first-response deadline with no agent reply since assignment."""
    replied = (
        select(Message.id)
        .where(
            Message.conversation_id == Conversation.id,
            Message.sender_kind == "agent",
            Message.created_at >= Conversation.assignee_since,
        )
        .correlate(Conversation)
        .exists()
    )
    query = select(Conversation.id, Conversation.assignee_id, Conversation.skill_group_id).where(
        Conversation.status == Status.ASSIGNED.value,
        Conversation.sla_due_at.is_not(None),
        Conversation.sla_due_at <= now,
        ~replied,
    )
    return [(cid, int(aid), gid) for cid, aid, gid in (await session.execute(query)).all() if aid is not None]


async def clear_sla(session: AsyncSession, conversation_ids: Collection[int]) -> None:
    """Forget first-response deadlines (replied in time, or already handled)."""
    if conversation_ids:
        statement = update(Conversation).where(Conversation.id.in_(list(conversation_ids))).values(sla_due_at=None)
        await session.execute(statement.execution_options(synchronize_session=False))


async def idle_candidates(session: AsyncSession) -> Sequence[tuple[int, int | None, datetime | None, datetime | None]]:
    """Assigned conversations with the time of the last customer and the last agent message."""
    last_customer = (
        select(func.max(Message.created_at))
        .where(Message.conversation_id == Conversation.id, Message.sender_kind == "customer")
        .correlate(Conversation)
        .scalar_subquery()
    )
    last_agent = (
        select(func.max(Message.created_at))
        .where(Message.conversation_id == Conversation.id, Message.sender_kind == "agent")
        .correlate(Conversation)
        .scalar_subquery()
    )
    query = select(Conversation.id, Conversation.skill_group_id, last_customer, last_agent).where(
        Conversation.status == Status.ASSIGNED.value
    )
    return (await session.execute(query)).all()


async def all_groups(session: AsyncSession) -> Sequence[SkillGroup]:
    """Every skill group by id."""
    return (await session.execute(select(SkillGroup).order_by(SkillGroup.id))).scalars().all()


async def get_conversation(session: AsyncSession, conversation_id: int) -> Conversation | None:
    """The conversation as stored now."""
    return await session.get(Conversation, conversation_id, populate_existing=True)
