"""Assignment: putting queued conversations with available agents, automatically or by hand.

Strategies per group: ``least_busy`` (lowest load ÷ capacity, ties to the longest idle), ``round_robin``
(the agent assigned least recently) and ``last_agent`` (the agent who served this customer within the
group's ``last_agent_days``, if online with room; otherwise least busy). Only online agents of the
group with room are chosen, and only while the group is open. See the repository module for how this
stays race-free on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from kefu.context import Context
from kefu.conversations import lifecycle
from kefu.conversations.status import WAITING_STATUSES, Change, Status
from kefu.conversations.views import ConversationView, scope_of
from kefu.errors import Conflict, NotFound
from kefu.routing import hours, notices
from kefu.routing import queue as queue_mod
from kefu.security.access import load_visible, may_pick, require_agent
from kefu.security.principals import Principal
from kefu.storage.repositories import conversations as conversation_repo
from kefu.storage.repositories import customers as customer_repo
from kefu.storage.repositories import routing as routing_repo
from kefu.storage.repositories.routing import AgentLoad
from kefu.storage.tables import SkillGroup
from kefu.storage.uow import UnitOfWork

STRATEGIES = ("least_busy", "round_robin", "last_agent")
DEFAULT_SLA_SECONDS = 300
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_ROUNDS = 10_000


def order_candidates(strategy: str, candidates: Sequence[AgentLoad], preferred: int | None = None) -> list[AgentLoad]:
    """Agents with room in the order the strategy tries them."""
    free = [c for c in candidates if c.status == "online" and c.load < c.capacity]

    def idle(c: AgentLoad) -> datetime:
        return c.last_assigned_at or EPOCH

    if strategy == "round_robin":
        ordered = sorted(free, key=lambda c: (idle(c), c.user_id))
    else:
        ordered = sorted(free, key=lambda c: (c.load / c.capacity, idle(c), c.user_id))
    if strategy == "last_agent" and preferred is not None:
        ordered.sort(key=lambda c: c.user_id != preferred)
    return ordered


def sla_seconds(group: SkillGroup | None) -> int:
    """The group's first-response promise."""
    return group.sla_seconds if group is not None else DEFAULT_SLA_SECONDS


async def _assign_one(ctx: Context, group_id: int | None) -> int | None:
    """Assign the head of one queue to the best available agent; its id, 0 to retry, None when done."""
    async with ctx.uow() as uow:
        session = uow.session
        now = ctx.clock.now()
        group = await routing_repo.get_group(session, group_id)
        if group is not None and not hours.parse(group.hours).is_open(now):
            return None
        head = await routing_repo.lock_queue_head(session, group_id)
        if head is None:
            # Nothing waits, or what waits is locked by another assigner right now: then try again, so a
            # conversation never stays behind because two assigners crossed (PostgreSQL SKIP LOCKED).
            return 0 if await routing_repo.queue(session, group_id, limit=1) else None
        candidates = await routing_repo.agents(session, group_id=group_id, online_only=True)
        if not any(c.load < c.capacity for c in candidates):
            return None
        row = await conversation_repo.get(session, head)
        if row is None or row.status != Status.QUEUED:
            return 0
        preferred = None
        if group is not None and group.strategy == "last_agent":
            since = now - timedelta(days=group.last_agent_days)
            preferred = await routing_repo.last_agent_of(session, row.customer_id, row.id, since)
        strategy = group.strategy if group is not None else "least_busy"
        contended = False
        for candidate in order_candidates(strategy, candidates, preferred):
            given = await give(uow, ctx, head, candidate, group, from_statuses=(Status.QUEUED,))
            if given:
                await uow.commit()
                return head
            contended = contended or given is None
        return 0 if contended else None


async def give(
    uow: UnitOfWork,
    ctx: Context,
    conversation_id: int,
    agent: AgentLoad,
    group: SkillGroup | None,
    *,
    from_statuses: tuple[Status, ...],
    from_assignee: int | None = None,
    force: bool = False,
    skip_locked: bool = True,
    change: Change = Change.ASSIGNED,
) -> bool | None:
    """Lock the agent, re-check presence and room, move the conversation; True if it is theirs now,
    None if another transaction holds the agent's row (with ``skip_locked``), False otherwise."""
    session = uow.session
    now = ctx.clock.now()
    if force:
        await routing_repo.ensure_presence(session, agent.user_id, now)
    presence = await routing_repo.lock_presence(session, agent.user_id, skip_locked=skip_locked)
    if presence is None:
        return None
    if not force and (
        presence.status != "online" or await routing_repo.open_count(session, agent.user_id) >= agent.capacity
    ):
        return False
    view = await lifecycle.assign(
        uow,
        ctx,
        conversation_id,
        agent.user_id,
        from_statuses=from_statuses,
        from_assignee=from_assignee,
        sla_due_at=now + timedelta(seconds=sla_seconds(group)),
        change=change,
    )
    if view is None:
        return False
    presence.last_assigned_at = now
    await notices.say(uow, ctx, conversation_id, "agent.joined", agent=agent.display_name)
    return True


async def assign_waiting(ctx: Context, group_id: int | None) -> list[int]:
    """Assign as many of a queue's conversations as agents have room for; tells the rest their place."""
    assigned: list[int] = []
    for _ in range(MAX_ROUNDS):
        result = await _assign_one(ctx, group_id)
        if result is None:
            break
        if result:
            assigned.append(result)
        else:
            await asyncio.sleep(0)  # let the transaction holding the lock finish
    if assigned:
        await queue_mod.publish_positions(ctx, group_id)
    return assigned


async def assign_for_agent(ctx: Context, user_id: int) -> list[int]:
    """An agent has room (came online, finished a conversation): serve the queues they work in."""
    async with ctx.uow() as uow:
        mine = await routing_repo.agents(uow.session, user_id=user_id)
        waiting = await routing_repo.queued_group_ids(uow.session)
    if not mine:
        return []
    assigned: list[int] = []
    for group_id in sorted(waiting, key=lambda g: -1 if g is None else g):
        if group_id is None or group_id in mine[0].group_ids:
            assigned += await assign_waiting(ctx, group_id)
    return assigned


async def assign_all(ctx: Context) -> list[int]:
    """Serve every queue (the timers' safety net, and after a restart)."""
    async with ctx.uow() as uow:
        waiting = await routing_repo.queued_group_ids(uow.session)
    assigned: list[int] = []
    for group_id in sorted(waiting, key=lambda g: -1 if g is None else g):
        assigned += await assign_waiting(ctx, group_id)
    return assigned


async def enqueue(ctx: Context, conversation_id: int, *, announce: bool) -> None:
    """A conversation entered the queue: set its priority and deadline, assign, tell the customer.

    ``announce`` stores the customer-facing notice in the history (a hand-over into the queue); a
    conversation that simply starts queued learns its place from ``queue`` events only.
    """
    async with ctx.uow() as uow:
        row = await conversation_repo.get(uow.session, conversation_id)
        if row is None or row.status != Status.QUEUED or row.queue_deadline_at is not None:
            return
        now = ctx.clock.now()
        group = await routing_repo.get_group(uow.session, row.skill_group_id)
        customer = await customer_repo.get_customer(uow.session, row.customer_id)
        # At least what the hand-over asked for (the bot marks an urgent message).
        priority = max(
            row.priority,
            queue_mod.priority_of(
                is_vip=bool(customer and customer.is_vip),
                handover_reason=row.handover_reason,
                money_group=bool(group and group.is_money),
            ),
        )
        priority = max(priority, row.priority)  # a journey may have asked for more (e.g. a stolen account)
        timeout = group.queue_timeout_seconds if group is not None else queue_mod.DEFAULT_QUEUE_TIMEOUT
        deadline = now + timedelta(seconds=timeout)
        if not await routing_repo.update_waiting(
            uow.session, conversation_id, {"priority": priority, "queue_deadline_at": deadline}
        ):
            return
        await uow.commit()
        group_id = row.skill_group_id
    if conversation_id in await assign_waiting(ctx, group_id):
        return
    async with ctx.uow() as uow:
        row = await conversation_repo.get(uow.session, conversation_id)
        if row is None or row.status != Status.QUEUED:
            return
        status = await queue_mod.status_for(uow.session, row, ctx.clock.now(), ctx.texts)
        if announce:
            await _announce(uow, ctx, status)
            await uow.commit()
    await queue_mod.publish_positions(ctx, group_id)


async def _announce(uow: UnitOfWork, ctx: Context, status: queue_mod.QueueStatus) -> None:
    """Tell a customer just handed over to the queue where they stand."""
    conversation_id = status.conversation_id
    if status.phrase is None:
        await notices.say_as_written(uow, ctx, conversation_id, status.text)
    elif status.state == "waiting":
        await notices.say(uow, ctx, conversation_id, "queue.handed_over", queue=status.text)
    else:
        await notices.say(uow, ctx, conversation_id, status.phrase.code, **status.phrase.params)


async def pick(ctx: Context, principal: Principal, conversation_id: int) -> ConversationView:
    """An agent takes a waiting conversation by hand (the console's 接入 button).

    Any waiting conversation may be picked by hand (the queue order binds automatic assignment only);
    agents must have room;
    supervisors and admins may exceed capacity and pick any.
    """
    agent = require_agent(principal)
    async with ctx.uow() as uow:
        row = await conversation_repo.get(uow.session, conversation_id)
        if row is None:
            raise NotFound("conversation not found", code="conversation_not_found")
        scope = scope_of(row)
        if not may_pick(agent, scope):
            # Someone was faster with a conversation this agent could pick while it waited: say so; any
            # other conversation stays invisible.
            if may_pick(agent, dataclasses.replace(scope, status=Status.QUEUED)):
                raise Conflict("conversation is no longer waiting", code="not_waiting")
            raise NotFound("conversation not found", code="conversation_not_found")
        group_id, status = row.skill_group_id, scope.status
        me = await _load_of(uow, agent.user_id)
        group = await routing_repo.get_group(uow.session, group_id)
        await routing_repo.ensure_presence(uow.session, agent.user_id, ctx.clock.now())
        presence = await routing_repo.lock_presence(uow.session, agent.user_id)
        assert presence is not None
        if not agent.sees_everything and await routing_repo.open_count(uow.session, agent.user_id) >= me.capacity:
            raise Conflict(f"you already serve {me.capacity} conversations (your capacity)", code="at_capacity")
        if not await give(
            uow, ctx, conversation_id, me, group, from_statuses=WAITING_STATUSES, force=True, skip_locked=False
        ):
            raise Conflict("conversation is no longer waiting", code="not_waiting")
        view = await notices.view(uow, conversation_id)
        await uow.commit()
    if status is Status.QUEUED:
        await queue_mod.publish_positions(ctx, group_id)
    return view


async def _load_of(uow: UnitOfWork, user_id: int) -> AgentLoad:
    found = await routing_repo.agents(uow.session, user_id=user_id)
    if not found:
        raise NotFound("agent not found", code="agent_not_found")
    return found[0]


async def take_next(ctx: Context, principal: Principal) -> ConversationView | None:
    """Take the first conversation waiting for this agent (highest priority, then longest waiting)."""
    agent = require_agent(principal)
    async with ctx.uow() as uow:
        heads: list[routing_repo.Waiting] = []
        queues: list[int | None] = [None, *sorted(agent.group_ids)]
        if agent.sees_everything:
            queues = sorted(await routing_repo.queued_group_ids(uow.session), key=lambda g: -1 if g is None else g)
        for group_id in queues:
            heads += await routing_repo.queue(uow.session, group_id, limit=1)
    if not heads:
        return None
    best = min(heads, key=lambda w: (-w.priority, w.waiting_since, w.conversation_id))
    return await pick(ctx, agent, best.conversation_id)


async def keep_waiting(ctx: Context, principal: Principal, conversation_id: int) -> queue_mod.QueueStatus:
    """After a queue timeout the customer keeps waiting: a new timeout period starts."""
    async with ctx.uow() as uow:
        row = await load_visible(uow.session, principal, conversation_id)
        if row.status != Status.QUEUED:
            raise Conflict("conversation is not waiting", code="not_waiting")
        group = await routing_repo.get_group(uow.session, row.skill_group_id)
        timeout = group.queue_timeout_seconds if group is not None else queue_mod.DEFAULT_QUEUE_TIMEOUT
        now = ctx.clock.now()
        await routing_repo.update_waiting(
            uow.session, conversation_id, {"queue_deadline_at": now + timedelta(seconds=timeout)}
        )
        await uow.commit()
        row = await load_visible(uow.session, principal, conversation_id)
        status = await queue_mod.status_for(uow.session, row, now, ctx.texts)
    await ctx.bus.publish(status.to_event())
    return status
