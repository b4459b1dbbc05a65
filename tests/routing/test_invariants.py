"""Race-freedom: many arrivals, departures and picks at once; a property test under random sequences.

Invariants: no conversation is assigned twice, no agent goes over capacity, every automatic assignment
goes to an online agent of the conversation's group, and nobody waits while such an agent has room.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kefu.bus import Delivery
from kefu.context import Context
from kefu.conversations import actions
from kefu.errors import Conflict
from kefu.events import ConversationChanged, Event
from kefu.routing import assignment, presence, timers
from kefu.security.principals import AgentPrincipal
from kefu.storage.repositories import routing as routing_repo
from kefu.storage.repositories.conversations import ConversationFilter, list_conversations
from tests.routing.conftest import handover, new_agent, new_group


@dataclass
class World:
    """Groups and agents of one scenario; the assignments seen (all, and since the last check)."""

    groups: list[int]
    agents: list[AgentPrincipal]
    capacity: dict[int, int]
    assigned: list[ConversationChanged]
    recent: list[ConversationChanged]


async def _world(ctx: Context, n_groups: int, n_agents: int, seed: int) -> World:
    groups = [await new_group(ctx) for _ in range(n_groups)]
    agents, capacity = [], {}
    for i in range(n_agents):
        member_of = tuple(g for j, g in enumerate(groups) if (i + j + seed) % 2 == 0) or (groups[i % n_groups],)
        cap = 1 + (i + seed) % 3
        agent = await new_agent(ctx, member_of, capacity=cap, online=False)
        await presence.connected(ctx, agent.user_id)
        agents.append(agent)
        capacity[agent.user_id] = cap
    world = World(groups, agents, capacity, [], [])

    async def record(event: Event) -> None:
        if isinstance(event, ConversationChanged) and event.change == "assigned":
            world.assigned.append(event)
            world.recent.append(event)

    ctx.bus.subscribe(record, Delivery.EVERY_NODE)
    return world


async def _check(ctx: Context, world: World, online: set[int]) -> None:
    await ctx.bus.drain()
    by_conversation = Counter(e.conversation_id for e in world.assigned)
    assert all(n == 1 for n in by_conversation.values()), by_conversation
    members = {a.user_id: a.group_ids for a in world.agents}
    recent, world.recent = world.recent, []
    for event in recent:  # presence was constant while these happened
        view = event.conversation
        assert view.assignee_id in online, "assigned to an agent who was not online"
        assert view.skill_group_id in members[view.assignee_id], "assigned outside the agent's groups"
    async with ctx.uow() as uow:
        loads = {a.user_id: a for a in await routing_repo.agents(uow.session)}
        for agent in world.agents:
            assert loads[agent.user_id].load <= world.capacity[agent.user_id], "over capacity"
        for group in world.groups:
            waiting = await routing_repo.queue(uow.session, group)
            room = [
                a
                for a in world.agents
                if a.user_id in online and group in a.group_ids and loads[a.user_id].load < world.capacity[a.user_id]
            ]
            assert not (waiting and room), "someone waits while an online agent of the group has room"


async def test_many_arrivals_and_departures_at_once(rctx: Context) -> None:
    world = await _world(rctx, 3, 8, 0)
    online = {a.user_id for a in world.agents}
    await asyncio.gather(*(presence.set_status(rctx, a, "online") for a in world.agents))
    arrivals = [handover(rctx, world.groups[i % 3], vip=i % 7 == 0) for i in range(60)]
    waiting = await asyncio.gather(*arrivals)
    await timers.tick(rctx)
    await _check(rctx, world, online)
    assert len(world.assigned) == sum(world.capacity.values())

    async def close_some(agent: AgentPrincipal) -> None:
        async with rctx.uow() as uow:
            mine = [
                w.conversation_id
                for w in waiting
                if (row := await routing_repo.get_conversation(uow.session, w.conversation_id)) is not None
                and row.assignee_id == agent.user_id
                and row.status == "assigned"
            ]
        await asyncio.gather(*(actions.close(rctx, agent, cid) for cid in mine[:1]))

    async def pick_any(agent: AgentPrincipal) -> None:
        with contextlib.suppress(Conflict):  # at capacity, or someone was faster: both fine
            await assignment.take_next(rctx, agent)

    await asyncio.gather(*(close_some(a) for a in world.agents), *(pick_any(a) for a in world.agents))
    await timers.tick(rctx)
    await _check(rctx, world, online)


STEP = st.one_of(
    st.tuples(st.just("arrive"), st.integers(0, 2), st.booleans()),
    st.tuples(st.just("close"), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("online"), st.integers(0, 5), st.booleans()),
)


@settings(
    max_examples=25,
    database=None,  # no example database written into the work tree
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=st.lists(st.lists(STEP, min_size=1, max_size=6), min_size=1, max_size=5), seed=st.integers(0, 5))
async def test_assignment_invariants_under_random_arrivals_and_departures(
    rctx: Context, batches: list[list[tuple[str, int, bool]]], seed: int
) -> None:
    world = await _world(rctx, 3, 6, seed)
    online: set[int] = set()
    for batch in batches:
        # Presence changes first (one by one), then arrivals and departures all at once.
        for kind, index, flag in batch:
            if kind == "online":
                agent = world.agents[index]
                if flag:
                    online.add(agent.user_id)  # assignments it triggers happen while they are online
                await presence.set_status(rctx, agent, "online" if flag else "away")
                await _check(rctx, world, online)
                if not flag:
                    online.discard(agent.user_id)
        jobs = []
        for kind, index, flag in batch:
            if kind == "arrive":
                jobs.append(handover(rctx, world.groups[index], vip=flag))
            elif kind == "close":
                jobs.append(_close_one(rctx, world.agents[index]))
        await asyncio.gather(*jobs)
        await _check(rctx, world, online)


async def _close_one(ctx: Context, agent: AgentPrincipal) -> None:
    async with ctx.uow() as uow:
        mine = await list_conversations(
            uow.session, ConversationFilter(statuses=("assigned",), assignee_id=agent.user_id), limit=1
        )
    if mine:
        with contextlib.suppress(Conflict):
            await actions.close(ctx, agent, mine[0].conversation.id)
