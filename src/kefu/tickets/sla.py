"""SLA clocks of a ticket: which policy applies, and how each event moves the three due times.

Rules (docs/tickets.md):
- first response: runs from creation; the first agent reply satisfies it.
- next update: starts at each agent reply (and when the customer answers a pending ticket); an agent
  reply restarts it; pending (waiting for the customer) stops it.
- resolution: runs from creation; pending pauses it — on leaving pending the due time moves later by
  the working minutes spent pending; resolved/closed stop every clock; a reopen restarts resolution.
The nearest running clock is stored (``sla_clock``, ``sla_due_at``, ``sla_warn_at``) for the sweep;
when it changes, the warned/breached flags start over for the new clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from kefu.routing import hours as hours_mod
from kefu.storage.repositories import routing as routing_repo
from kefu.storage.repositories import tickets as repo
from kefu.storage.tables import SlaPolicy, Ticket
from kefu.tickets.calendar import Calendar, due_at, working_minutes
from kefu.tickets.status import TicketStatus

CLOCKS = ("first_response", "next_update", "resolution")


def policy_for(policies: Sequence[SlaPolicy], type_key: str, priority: str) -> SlaPolicy | None:
    """The most specific policy: type and priority, then type, then priority, then the default."""
    best: tuple[int, SlaPolicy] | None = None
    for policy in policies:
        if policy.type_key not in (None, type_key) or policy.priority not in (None, priority):
            continue
        rank = (2 if policy.type_key is not None else 0) + (1 if policy.priority is not None else 0)
        if best is None or rank > best[0]:
            best = (rank, policy)
    return best[1] if best else None


async def calendar_for(session: AsyncSession, group_id: int | None) -> Calendar:
    """The group's business hours with the holiday table (24/7 for no group or a group without hours)."""
    group = await routing_repo.get_group(session, group_id)
    hours = hours_mod.parse(group.hours if group is not None else None)
    rows = await repo.holidays(session, group_id)
    closed = frozenset(date.fromisoformat(r.day) for r in rows if not r.working)
    working = frozenset(date.fromisoformat(r.day) for r in rows if r.working)
    return Calendar(hours, closed, working)


async def context_for(session: AsyncSession, ticket: Ticket) -> tuple[SlaPolicy | None, Calendar]:
    """The policy and calendar that govern this ticket now."""
    policy = policy_for(await repo.sla_policies(session), ticket.type_key, ticket.priority)
    return policy, await calendar_for(session, ticket.skill_group_id)


def _due(start: datetime, minutes: int | None, cal: Calendar) -> datetime | None:
    return None if minutes is None else due_at(start, minutes, cal)


def start(ticket: Ticket, policy: SlaPolicy | None, cal: Calendar) -> None:
    """Start the clocks of a new ticket (from its creation)."""
    if policy is not None:
        ticket.first_response_due_at = _due(ticket.created_at, policy.first_response_minutes, cal)
        ticket.resolution_due_at = _due(ticket.created_at, policy.resolution_minutes, cal)
    refresh(ticket, policy)


def restart(ticket: Ticket, policy: SlaPolicy | None, cal: Calendar) -> None:
    """Type, priority or group changed: due times are computed again under the new policy/calendar."""
    if ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        return
    first = policy.first_response_minutes if policy else None
    ticket.first_response_due_at = _due(ticket.created_at, first, cal) if ticket.first_responded_at is None else None
    ticket.resolution_due_at = _due(ticket.created_at, policy.resolution_minutes if policy else None, cal)
    if ticket.next_update_due_at is not None and policy is not None and policy.next_update_minutes is not None:
        ticket.next_update_due_at = due_at(ticket.updated_at, policy.next_update_minutes, cal)
    refresh(ticket, policy)


def agent_replied(ticket: Ticket, now: datetime, policy: SlaPolicy | None, cal: Calendar) -> None:
    """An agent wrote to the customer: first response met; the next-update clock restarts."""
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
    ticket.first_response_due_at = None
    minutes = policy.next_update_minutes if policy else None
    running = ticket.status in (TicketStatus.NEW, TicketStatus.OPEN)
    ticket.next_update_due_at = _due(now, minutes, cal) if running else None
    refresh(ticket, policy)


def status_changed(
    ticket: Ticket, before: TicketStatus, now: datetime, policy: SlaPolicy | None, cal: Calendar
) -> None:
    """Pause, resume, stop or restart the clocks for a status change (``ticket.status`` is the new one)."""
    after = TicketStatus(ticket.status)
    if after is TicketStatus.PENDING:
        ticket.sla_paused_at = ticket.sla_paused_at or now
        ticket.next_update_due_at = None
    elif after in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        ticket.first_response_due_at = ticket.next_update_due_at = ticket.resolution_due_at = None
        ticket.sla_paused_at = None
    elif before is TicketStatus.PENDING:  # → open: the customer answered; resolution resumes
        if ticket.sla_paused_at is not None and ticket.resolution_due_at is not None:
            paused = working_minutes(ticket.sla_paused_at, now, cal)
            ticket.resolution_due_at = due_at(ticket.resolution_due_at, paused, cal)
        ticket.sla_paused_at = None
        ticket.next_update_due_at = _due(now, policy.next_update_minutes if policy else None, cal)
    elif before in (TicketStatus.RESOLVED, TicketStatus.CLOSED):  # a reopen
        ticket.resolution_due_at = _due(now, policy.resolution_minutes if policy else None, cal)
        ticket.next_update_due_at = _due(now, policy.next_update_minutes if policy else None, cal)
    refresh(ticket, policy)


def refresh(ticket: Ticket, policy: SlaPolicy | None) -> None:
    """Store the nearest running clock; new clock or due time → not warned, not breached yet."""
    running: list[tuple[datetime, str]] = []
    if ticket.status in (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING):
        if ticket.first_response_due_at is not None:
            running.append((ticket.first_response_due_at, "first_response"))
        if ticket.status != TicketStatus.PENDING:
            if ticket.next_update_due_at is not None:
                running.append((ticket.next_update_due_at, "next_update"))
            if ticket.resolution_due_at is not None:
                running.append((ticket.resolution_due_at, "resolution"))
    nearest = min(running) if running else None
    due, clock = nearest if nearest else (None, None)
    if (due, clock) != (ticket.sla_due_at, ticket.sla_clock):
        ticket.sla_warned = ticket.sla_breached = False
    ticket.sla_due_at, ticket.sla_clock = due, clock
    warn = policy.warn_before_minutes if policy is not None else 0
    ticket.sla_warn_at = due - timedelta(minutes=warn) if due is not None else None
