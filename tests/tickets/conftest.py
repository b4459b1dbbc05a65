"""Ticket fixtures: the demo context, personas built directly, and an event recorder."""

from __future__ import annotations

import pytest

from kefu.bus import Delivery
from kefu.context import Context
from kefu.events import Event
from kefu.security.principals import AgentPrincipal, CustomerPrincipal
from kefu.tickets import actions
from kefu.tickets.actions import NewTicket
from kefu.tickets.views import TicketView
from tests.routing.conftest import new_agent, new_customer, new_group

OFFICE = {
    "timezone": "Asia/Shanghai",
    "weekly": {d: ["09:00-12:00", "13:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
}


@pytest.fixture
def seen(ctx: Context) -> list[Event]:
    """Every event published from now on."""
    recorded: list[Event] = []

    async def record(event: Event) -> None:
        recorded.append(event)

    ctx.bus.subscribe(record, Delivery.EVERY_NODE)
    return recorded


class Desk:
    """A small service desk: one group with office hours, two agents in it, an outsider, a supervisor."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.group = 0
        self.agent: AgentPrincipal
        self.colleague: AgentPrincipal
        self.outsider: AgentPrincipal
        self.supervisor: AgentPrincipal
        self.customer: CustomerPrincipal

    async def setup(self, *, hours: dict[str, object] | None = None) -> Desk:
        self.group = await new_group(self.ctx, hours=hours) if hours else await new_group(self.ctx)
        other = await new_group(self.ctx)
        self.agent = await new_agent(self.ctx, (self.group,), name="小王")
        self.colleague = await new_agent(self.ctx, (self.group,), name="小李")
        self.outsider = await new_agent(self.ctx, (other,), name="小赵")
        self.supervisor = await new_agent(self.ctx, (), role="supervisor", name="主管")
        self.customer = await new_customer(self.ctx, name="张三")
        return self

    async def ticket(self, **kwargs: object) -> TicketView:
        values: dict[str, object] = {"customer_id": self.customer.customer_id, "skill_group_id": self.group}
        values.update(kwargs)
        return await actions.create(self.ctx, self.agent, NewTicket(**values))  # type: ignore[arg-type]


@pytest.fixture
async def desk(ctx: Context) -> Desk:
    return await Desk(ctx).setup()
