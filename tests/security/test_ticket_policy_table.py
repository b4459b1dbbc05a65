"""One table of cases for the tickets' access policy: its Python form (single reads) and SQL form (every
list) agree, and the REST list and read doors give the same answers.

Personas × tickets: the customer, another customer, the assignee, a colleague of the ticket's group, an
agent of another group, a supervisor; tickets unassigned in the group, assigned in the group, assigned
to the assignee with no group, unassigned of no group, and a complaint of the group.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from kefu.context import Context
from kefu.errors import NotFound
from kefu.security.principals import AgentPrincipal, CustomerPrincipal, Principal
from kefu.security.ticket_access import TicketScope, may_view, visible_clause
from kefu.storage.repositories.tickets import ListFilter
from kefu.storage.tables import Customer, SkillGroup, Ticket, User
from kefu.tickets import actions, queries
from kefu.tickets.actions import NewTicket

TICKETS = ("group_unassigned", "group_assigned", "mine_no_group", "nobodys", "complaint")

EXPECTED: dict[str, set[str]] = {
    "customer": set(TICKETS),
    "other_customer": set(),
    "assignee": set(TICKETS),  # in the group, and theirs, and nobody's
    "colleague": {"group_unassigned", "group_assigned", "nobodys", "complaint"},
    "other_group_agent": {"nobodys"},
    "supervisor": set(TICKETS),
}


@dataclass(frozen=True, slots=True)
class World:
    principals: dict[str, Principal]
    tickets: dict[str, int]


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


@pytest.fixture
async def world(ctx: Context) -> World:
    group = await _add(ctx, SkillGroup(name="工单表组", created_at=ctx.clock.now()))
    other = await _add(ctx, SkillGroup(name="工单别组", created_at=ctx.clock.now()))
    owner = await _add(ctx, Customer(display_name="客户", created_at=ctx.clock.now()))
    stranger = await _add(ctx, Customer(display_name="路人", created_at=ctx.clock.now()))
    assignee, colleague = await _user(ctx, "t_assignee"), await _user(ctx, "t_colleague")
    outsider, boss = await _user(ctx, "t_outsider"), await _user(ctx, "t_boss", "supervisor")
    principals: dict[str, Principal] = {
        "customer": CustomerPrincipal(owner, "客户", "web"),
        "other_customer": CustomerPrincipal(stranger, "路人", "web"),
        "assignee": AgentPrincipal(assignee, "a", "a", "agent", frozenset({group})),
        "colleague": AgentPrincipal(colleague, "c", "c", "agent", frozenset({group})),
        "other_group_agent": AgentPrincipal(outsider, "o", "o", "agent", frozenset({other})),
        "supervisor": AgentPrincipal(boss, "s", "s", "supervisor", frozenset()),
    }
    shapes = {
        "group_unassigned": {"skill_group_id": group},
        "group_assigned": {"skill_group_id": group, "assignee_id": assignee},
        "mine_no_group": {"assignee_id": assignee},
        "nobodys": {},
        "complaint": {"skill_group_id": group, "type_key": "complaint"},
    }
    tickets = {}
    for name, shape in shapes.items():
        new = NewTicket(customer_id=owner, title=name, **shape)  # type: ignore[arg-type]
        tickets[name] = (await actions.create(ctx, principals["supervisor"], new)).id
    return World(principals, tickets)


async def _by_sql(ctx: Context, principal: Principal) -> set[int]:
    async with ctx.uow() as uow:
        return set((await uow.session.execute(select(Ticket.id).where(visible_clause(principal)))).scalars())


@pytest.mark.parametrize("persona", sorted(EXPECTED))
async def test_python_and_sql_forms_and_the_list_agree_with_the_table(ctx: Context, world: World, persona: str) -> None:
    principal = world.principals[persona]
    by_sql = await _by_sql(ctx, principal)
    listed = {t.id for t in (await queries.list_tickets(ctx, principal, ListFilter(limit=200))).tickets}
    for name, ticket_id in world.tickets.items():
        expected = name in EXPECTED[persona]
        async with ctx.uow() as uow:
            row = await uow.session.get(Ticket, ticket_id)
            assert row is not None
            scope = TicketScope.of(row)
        assert may_view(principal, scope) is expected, (persona, name, "python")
        assert (ticket_id in by_sql) is expected, (persona, name, "sql")
        assert (ticket_id in listed) is expected, (persona, name, "list")
        try:
            await queries.get(ctx, principal, ticket_id)
            read = True
        except NotFound:
            read = False
        assert read is expected, (persona, name, "read")
