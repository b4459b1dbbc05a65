"""Reading tickets: the agents' views and search (keyset pages), one ticket with its timeline.

Every list goes through the policy's SQL form, every single read through its Python form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from kefu.context import Context
from kefu.errors import InvalidInput
from kefu.security.principals import AgentPrincipal, CustomerPrincipal, Principal
from kefu.security.ticket_access import require_visible, visible_clause
from kefu.storage.repositories import tickets as repo
from kefu.tickets.status import PRIORITIES, TicketStatus
from kefu.tickets.views import EventView, TicketView, customer_dict

VIEWS = ("mine", "group", "unassigned", "breaching")
BREACHING_WITHIN = timedelta(hours=1)  # "breaching soon": the nearest clock is due within the hour (or past)
MAX_PAGE = 200


@dataclass(frozen=True, slots=True)
class Page:
    """One page of tickets; ``next_before`` is the cursor of the next page (None on the last)."""

    tickets: list[TicketView]
    next_before: int | None


async def list_tickets(ctx: Context, principal: Principal, flt: repo.ListFilter) -> Page:
    """A page of the tickets the caller may see, newest first, filtered."""
    if flt.view is not None and flt.view not in VIEWS:
        raise InvalidInput(f"view must be one of {', '.join(VIEWS)}", code="bad_view")
    for value in flt.status:
        if value not in {s.value for s in TicketStatus}:
            raise InvalidInput("unknown status", code="bad_status")
    if flt.priority is not None and flt.priority not in PRIORITIES:
        raise InvalidInput("unknown priority", code="bad_priority")
    if not 1 <= flt.limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be 1–{MAX_PAGE}", code="bad_limit")
    me = principal.user_id if isinstance(principal, AgentPrincipal) else None
    groups = sorted(principal.group_ids) if isinstance(principal, AgentPrincipal) else []
    async with ctx.uow() as uow:
        rows = await repo.list_tickets(
            uow.session,
            visible_clause(principal),
            flt,
            me=me,
            my_groups=groups,
            breach_horizon=ctx.clock.now() + BREACHING_WITHIN,
        )
        names = await repo.customer_names(uow.session, [r.customer_id for r in rows])
    views = [TicketView.of(r, names.get(r.customer_id, "")) for r in rows]
    return Page(views, views[-1].id if len(views) == flt.limit else None)


@dataclass(frozen=True, slots=True)
class TicketDetail:
    """A ticket with its linked conversations and timeline."""

    ticket: TicketView
    conversation_ids: list[int]
    timeline: list[EventView]

    def to_dict(self) -> dict[str, Any]:
        """For agents: everything."""
        return {
            "ticket": self.ticket.to_dict(),
            "conversation_ids": self.conversation_ids,
            "timeline": [e.to_dict() for e in self.timeline],
        }

    def for_customer(self) -> dict[str, Any]:
        """For the customer: their view and the lines meant for them (never notes)."""
        return {
            "ticket": customer_dict(self.ticket),
            "timeline": [e.for_customer() for e in self.timeline if not e.internal],
        }


async def get(ctx: Context, principal: Principal, ticket_id: int) -> TicketDetail:
    """One ticket the caller may see, with its timeline (customers: only what is meant for them)."""
    async with ctx.uow() as uow:
        row = require_visible(principal, await repo.get(uow.session, ticket_id))
        names = await repo.customer_names(uow.session, [row.customer_id])
        events = [EventView.of(e) for e in await repo.events(uow.session, row.id)]
        links = await repo.links(uow.session, row.id)
    if isinstance(principal, CustomerPrincipal):
        events = [e for e in events if not e.internal]
        links = []
    return TicketDetail(TicketView.of(row, names.get(row.customer_id, "")), links, events)
