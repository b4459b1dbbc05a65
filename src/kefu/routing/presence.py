"""Agents' presence for routing: online / away / offline, live console connections and capacity.

An agent sets their status in the console. Each WebSocket connection of theirs counts; when the last
one has been gone for ``presence_grace_seconds`` the timers drop them to offline (a page reload or a
short network hiccup does not). Only ``online`` agents receive new conversations.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from kefu.context import Context
from kefu.errors import InvalidInput, NotFound, PermissionDenied
from kefu.events import PresenceChanged
from kefu.security.principals import AgentPrincipal
from kefu.storage.repositories import routing as routing_repo
from kefu.storage.repositories import users as user_repo
from kefu.storage.tables import AgentPresence

log = logging.getLogger(__name__)
STATUSES = ("online", "away", "offline")
_closing: set[asyncio.Task[None]] = set()
MAX_CAPACITY = 100


@dataclass(frozen=True, slots=True)
class PresenceView:
    """An agent's presence as the console shows it."""

    user_id: int
    status: str
    capacity: int
    load: int
    connections: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "user_id": self.user_id,
            "status": self.status,
            "capacity": self.capacity,
            "load": self.load,
            "connections": self.connections,
        }


async def get(ctx: Context, user_id: int) -> PresenceView:
    """The agent's presence, effective capacity and current load."""
    async with ctx.uow() as uow:
        found = await routing_repo.agents(uow.session, user_id=user_id)
    if not found:
        raise NotFound("agent not found", code="agent_not_found")
    agent = found[0]
    return PresenceView(agent.user_id, agent.status, agent.capacity, agent.load, agent.connections)


async def _publish(ctx: Context, user_id: int) -> PresenceView:
    view = await get(ctx, user_id)
    await ctx.bus.publish(PresenceChanged(view.user_id, view.status, view.capacity))
    return view


async def set_status(ctx: Context, agent: AgentPrincipal, status: str, *, user_id: int | None = None) -> PresenceView:
    """Set an agent's status (their own; supervisors may set anyone's). Going online starts assignment."""
    if status not in STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(STATUSES)}", code="bad_status")
    target = _target(agent, user_id)
    async with ctx.uow() as uow:
        if await user_repo.get_user(uow.session, target) is None:
            raise NotFound("agent not found", code="agent_not_found")
        now = ctx.clock.now()
        await routing_repo.ensure_presence(uow.session, target, now)
        row = await routing_repo.lock_presence(uow.session, target)
        assert row is not None
        changed = row.status != status
        row.status = status
        row.status_changed_at = now
        if row.connections == 0 and status != "offline":
            row.disconnected_at = now  # no console open: the grace period starts now
        await uow.commit()
    return await _publish(ctx, target) if changed else await get(ctx, target)


async def set_capacity(
    ctx: Context, agent: AgentPrincipal, capacity: int | None, *, user_id: int | None = None
) -> PresenceView:
    """Set an agent's capacity (None: the default of their groups). Supervisors set anyone's."""
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(f"capacity must be between 1 and {MAX_CAPACITY}", code="bad_capacity")
    target = _target(agent, user_id)
    if target == agent.user_id and not agent.sees_everything:
        raise PermissionDenied("a supervisor sets capacities")
    async with ctx.uow() as uow:
        if await user_repo.get_user(uow.session, target) is None:
            raise NotFound("agent not found", code="agent_not_found")
        await routing_repo.ensure_presence(uow.session, target, ctx.clock.now())
        row = await routing_repo.lock_presence(uow.session, target)
        assert row is not None
        row.capacity = capacity
        await uow.commit()
    return await _publish(ctx, target)


def _target(agent: AgentPrincipal, user_id: int | None) -> int:
    if user_id is None or user_id == agent.user_id:
        return agent.user_id
    if not agent.sees_everything:
        raise PermissionDenied("only supervisors may change another agent")
    return user_id


async def connected(ctx: Context, user_id: int) -> None:
    """A console connection of the agent opened."""
    async with ctx.uow() as uow:
        await routing_repo.ensure_presence(uow.session, user_id, ctx.clock.now())
        statement = (
            update(AgentPresence)
            .where(AgentPresence.user_id == user_id)
            .values(connections=AgentPresence.connections + 1, disconnected_at=None)
        )
        await uow.session.execute(statement)
        await uow.commit()


async def disconnected(ctx: Context, user_id: int) -> None:
    """A console connection closed; the last one starts the grace period."""
    async with ctx.uow() as uow:
        row = await routing_repo.lock_presence(uow.session, user_id)
        if row is None:
            return
        row.connections = max(0, row.connections - 1)
        if row.connections == 0:
            row.disconnected_at = ctx.clock.now()
        await uow.commit()


def disconnected_soon(ctx: Context, user_id: int) -> None:
    """Record a closed connection in a task of its own: the socket's handler may be cancelled as it closes."""

    async def run() -> None:
        try:
            await disconnected(ctx, user_id)
        except Exception:
            log.exception("could not record the closed connection of agent %s", user_id)

    task = asyncio.get_running_loop().create_task(run())
    _closing.add(task)
    task.add_done_callback(_closing.discard)


async def drain() -> None:
    """Wait for closed connections still being recorded (before the database is closed at shutdown)."""
    loop = asyncio.get_running_loop()
    pending = [task for task in _closing if task.get_loop() is loop]
    await asyncio.gather(*pending, return_exceptions=True)


async def reset_connections(ctx: Context) -> None:
    """At start-up no socket of this node is open any more: start the grace period for everyone."""
    async with ctx.uow() as uow:
        statement = (
            update(AgentPresence)
            .where(AgentPresence.connections > 0)
            .values(connections=0, disconnected_at=ctx.clock.now())
        )
        await uow.session.execute(statement)
        await uow.commit()


async def expire_grace(ctx: Context) -> list[int]:
    """Drop agents whose last connection has been gone longer than the grace period to offline."""
    now = ctx.clock.now()
    cutoff = now - timedelta(seconds=ctx.settings.presence_grace_seconds)
    async with ctx.uow() as uow:
        query = select(AgentPresence.user_id).where(
            AgentPresence.status != "offline",
            AgentPresence.connections == 0,
            AgentPresence.disconnected_at.is_not(None),
            AgentPresence.disconnected_at <= cutoff,
        )
        due = list((await uow.session.execute(query)).scalars().all())
        if not due:
            return []
        statement = (
            update(AgentPresence)
            .where(AgentPresence.user_id.in_(due), AgentPresence.connections == 0)
            .values(status="offline", status_changed_at=now)
        )
        await uow.session.execute(statement)
        await uow.commit()
    for user_id in due:
        await _publish(ctx, user_id)
    return due
