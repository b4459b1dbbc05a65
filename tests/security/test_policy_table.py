"""One table of cases for the access policy: its Python form, its SQL form and the hub's index agree.

Personas × states: the customer, another customer, an agent of the conversation's group, an agent of
another group, the assignee (before a transfer), a supervisor; the conversation with the bot, queued,
assigned, closed, and transferred away from the assignee to a colleague.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from kefu.context import Context
from kefu.conversations import lifecycle
from kefu.conversations.status import CloseReason, ConversationScope, Status
from kefu.conversations.views import scope_of
from kefu.security.access import audience, can_view, may_view_directly, visible_clause
from kefu.security.principals import AgentPrincipal, CustomerPrincipal, Principal
from kefu.storage.tables import Conversation, Customer, SkillGroup, User

STATES = ("bot", "queued", "assigned", "closed", "transferred")

# persona → the states in which it may see the conversation
EXPECTED: dict[str, set[str]] = {
    "customer": set(STATES),
    "other_customer": set(),
    "group_agent": {"queued", "transferred"},  # the colleague who receives the transfer
    "other_group_agent": set(),
    "assignee": {"queued", "assigned", "closed"},  # queued in their group; theirs until transferred away
    "supervisor": set(STATES),
}


@dataclass(frozen=True, slots=True)
class World:
    principals: dict[str, dict[str, Principal]]  # state → persona → principal
    conversations: dict[str, int]  # state → conversation id
    group: int


async def _add(ctx: Context, row: User | SkillGroup | Customer) -> int:
    async with ctx.uow() as uow:
        uow.session.add(row)
        await uow.session.flush()
        await uow.commit()
        return row.id


async def _user(ctx: Context, name: str, role: str = "agent") -> int:
    return await _add(
        ctx, User(username=name, display_name=name, password_hash="x", role=role, created_at=ctx.clock.now())
    )


async def _group(ctx: Context, name: str) -> int:
    return await _add(ctx, SkillGroup(name=name, created_at=ctx.clock.now()))


async def _customer(ctx: Context, name: str) -> int:
    return await _add(ctx, Customer(display_name=name, created_at=ctx.clock.now()))


async def _conversation_in(
    ctx: Context, state: str, customer_id: int, group: int, assignee: int, colleague: int
) -> int:
    """A conversation of ``customer_id`` brought to ``state`` through the lifecycle."""
    async with ctx.uow() as uow:
        row = lifecycle.new_conversation(customer_id, "web", ctx.clock.now(), with_bot=True)
        uow.session.add(row)
        await uow.session.flush()
        cid = row.id
        if state != "bot":
            assert await lifecycle.enqueue(uow, ctx, cid, group_id=group)
        if state in ("assigned", "closed", "transferred"):
            assert await lifecycle.assign(uow, ctx, cid, assignee, from_statuses=(Status.QUEUED,))
        if state == "closed":
            assert await lifecycle.close(uow, ctx, cid, CloseReason.AGENT, by_user_id=assignee)
        if state == "transferred":
            moved = await lifecycle.assign(
                uow, ctx, cid, colleague, from_statuses=(Status.ASSIGNED,), from_assignee=assignee
            )
            assert moved is not None
        await uow.commit()
    return cid


@pytest.fixture
async def world(ctx: Context) -> World:
    group, other_group = await _group(ctx, "表组"), await _group(ctx, "别组")
    assignee, colleague = await _user(ctx, "table_assignee"), await _user(ctx, "table_colleague")
    outsider, boss = await _user(ctx, "table_outsider"), await _user(ctx, "table_boss", "supervisor")
    stranger = await _customer(ctx, "路人")
    principals: dict[str, dict[str, Principal]] = {}
    conversations: dict[str, int] = {}
    for state in STATES:
        # One customer per state, so no persona "serves" the customer of another row of the table.
        customer = await _customer(ctx, f"客户{state}")
        conversations[state] = await _conversation_in(ctx, state, customer, group, assignee, colleague)
        principals[state] = {
            "customer": CustomerPrincipal(customer, "客户", "web"),
            "other_customer": CustomerPrincipal(stranger, "路人", "web"),
            "group_agent": AgentPrincipal(colleague, "c", "c", "agent", frozenset({group})),
            "other_group_agent": AgentPrincipal(outsider, "o", "o", "agent", frozenset({other_group})),
            "assignee": AgentPrincipal(assignee, "a", "a", "agent", frozenset({group})),
            "supervisor": AgentPrincipal(boss, "s", "s", "supervisor", frozenset()),
        }
    return World(principals, conversations, group)


async def _visible_by_sql(ctx: Context, principal: Principal) -> set[int]:
    async with ctx.uow() as uow:
        rows = await uow.session.execute(select(Conversation.id).where(visible_clause(principal)))
        return {int(r[0]) for r in rows}


async def _scope(ctx: Context, conversation_id: int) -> ConversationScope:
    async with ctx.uow() as uow:
        row = await uow.session.get(Conversation, conversation_id)
        assert row is not None
        return scope_of(row)


@pytest.mark.parametrize("persona", sorted(EXPECTED))
async def test_python_and_sql_forms_agree_with_the_table(ctx: Context, world: World, persona: str) -> None:
    for state in STATES:
        principal = world.principals[state][persona]
        conversation_id = world.conversations[state]
        scope = await _scope(ctx, conversation_id)
        expected = state in EXPECTED[persona]
        async with ctx.uow() as uow:
            assert await can_view(uow.session, principal, scope) is expected, (persona, state, "python")
        by_sql = conversation_id in await _visible_by_sql(ctx, principal)
        assert by_sql is expected, (persona, state, "sql")
        # The hub decides from the scope alone: the same answer here (nobody in the table serves the
        # customer elsewhere), and whoever it admits can be found under the audience's index keys.
        assert may_view_directly(principal, scope) is expected, (persona, state, "hub")
        if expected and isinstance(principal, AgentPrincipal) and not principal.sees_everything:
            who = audience(scope)
            found = principal.user_id in who.user_ids or who.any_group or bool(principal.group_ids & set(who.group_ids))
            assert found, (persona, state, "audience")


async def test_an_agent_serving_a_customer_sees_their_earlier_conversations(ctx: Context, world: World) -> None:
    """The rule's database part: the outsider takes a new conversation of the customer of the closed row."""
    closed_scope = await _scope(ctx, world.conversations["closed"])
    outsider = world.principals["closed"]["other_group_agent"]
    assert isinstance(outsider, AgentPrincipal)
    async with ctx.uow() as uow:
        assert not await can_view(uow.session, outsider, closed_scope)
    await _conversation_in(ctx, "assigned", closed_scope.customer_id, world.group, outsider.user_id, outsider.user_id)
    async with ctx.uow() as uow:
        assert await can_view(uow.session, outsider, closed_scope)
    assert world.conversations["closed"] in await _visible_by_sql(ctx, outsider)
    assert not may_view_directly(outsider, closed_scope)  # the hub asks the database for this part
