"""Routing fixtures: the routing listener on the context's bus (timers are ticked by hand), and factories."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from kefu.bus import Delivery
from kefu.channels import web as web_channel
from kefu.context import Context
from kefu.conversations import lifecycle
from kefu.events import Event
from kefu.routing import groups, presence, runtime
from kefu.security.principals import AgentPrincipal, CustomerPrincipal
from kefu.storage.repositories import conversations as conversation_repo
from kefu.storage.tables import Conversation, Customer, User, UserSkillGroup

_names = itertools.count(1)


@pytest.fixture
async def rctx(ctx: Context) -> AsyncIterator[Context]:
    """The demo context with routing listening on its bus."""
    unsubscribe = ctx.bus.subscribe(runtime.listener(ctx), Delivery.ONCE, concurrency=runtime.ROUTING_CONCURRENCY)
    yield ctx
    unsubscribe()


@pytest.fixture
def events(ctx: Context) -> list[Event]:
    """Every event published from now on."""
    seen: list[Event] = []

    async def record(event: Event) -> None:
        seen.append(event)

    ctx.bus.subscribe(record, Delivery.EVERY_NODE)
    return seen


async def new_group(ctx: Context, name: str | None = None, **settings: object) -> int:
    """A skill group with routing settings."""
    group_id = await groups.ensure_group(ctx, name or f"组{next(_names)}")
    if settings:
        await groups.configure(ctx, group_id, groups.GroupSettings(**settings))  # type: ignore[arg-type]
    return group_id


async def new_agent(
    ctx: Context,
    group_ids: tuple[int, ...] = (),
    *,
    role: str = "agent",
    online: bool = True,
    capacity: int | None = None,
    name: str | None = None,
) -> AgentPrincipal:
    """An agent (no password: built directly) in these groups, online with a console open unless told otherwise."""
    name = name or f"客服{next(_names)}"
    async with ctx.uow() as uow:
        user = User(
            username=f"u{next(_names)}", display_name=name, password_hash="-", role=role, created_at=ctx.clock.now()
        )
        uow.session.add(user)
        await uow.session.flush()
        for gid in group_ids:
            uow.session.add(UserSkillGroup(user_id=user.id, skill_group_id=gid, level=1))
        await uow.commit()
        principal = AgentPrincipal(user.id, user.username, name, role, frozenset(group_ids))
    if capacity is not None:
        admin = AgentPrincipal(0, "root", "root", "admin", frozenset())
        await presence.set_capacity(ctx, admin, capacity, user_id=principal.user_id)
    if online:
        await presence.connected(ctx, principal.user_id)
        await presence.set_status(ctx, principal, "online")
    return principal


@dataclass(frozen=True, slots=True)
class Waiting:
    """A customer and their conversation handed over to a person."""

    customer: CustomerPrincipal
    conversation_id: int


async def new_customer(ctx: Context, *, vip: bool = False, name: str | None = None) -> CustomerPrincipal:
    """A web visitor (VIP if asked)."""
    principal = (await web_channel.open_visitor(ctx, None, name or f"顾客{next(_names)}")).principal
    if vip:
        async with ctx.uow() as uow:
            row = await uow.session.get(Customer, principal.customer_id)
            assert row is not None
            row.is_vip = True
            await uow.commit()
    return principal


async def handover(
    ctx: Context,
    group_id: int | None,
    *,
    reason: str = "customer_request",
    vip: bool = False,
    customer: CustomerPrincipal | None = None,
) -> Waiting:
    """What the bot does when it hands over: a conversation becomes ``queued`` in a group, event after commit."""
    customer = customer or await new_customer(ctx, vip=vip)
    async with ctx.uow() as uow:
        now = ctx.clock.now()
        row = Conversation(
            customer_id=customer.customer_id,
            channel=customer.channel,
            status="bot",
            last_seq=0,
            agent_read_seq=0,
            customer_read_seq=0,
            created_at=now,
            updated_at=now,
        )
        uow.session.add(row)
        await uow.session.flush()
        conversation_id = row.id
        queued = await lifecycle.enqueue(uow, ctx, conversation_id, group_id=group_id, handover_reason=reason)
        assert queued is not None
        await uow.commit()
    await ctx.bus.drain()
    return Waiting(customer, conversation_id)


async def conversation(ctx: Context, conversation_id: int) -> Conversation:
    """The stored conversation, once the events published so far have been handled (routing reacted)."""
    await ctx.bus.drain()
    async with ctx.uow() as uow:
        row = await conversation_repo.get(uow.session, conversation_id)
        assert row is not None
        return row
