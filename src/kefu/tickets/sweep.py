"""The ticket sweep: SLA warnings and breaches, and follow-ups that came due — a timer like the
routing timers, run under the injected clock.

Durable by construction: what is due is read from ``tickets`` (``sla_warn_at``/``sla_due_at`` with the
``sla_warned``/``sla_breached`` flags) and ``follow_ups`` (``notified_at``), and each ticket's step is one
transaction that sets its flag, so a restarted node resumes exactly where the last one stopped and a
warning or an escalation is never sent twice. Tests call :func:`sweep` after moving the clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from kefu.context import Context
from kefu.events import TicketAlert
from kefu.storage.repositories import routing as routing_repo
from kefu.storage.repositories import tickets as repo
from kefu.storage.tables import Ticket
from kefu.storage.uow import UnitOfWork
from kefu.texts import Phrase
from kefu.tickets import actions, followups, numbers, sla
from kefu.tickets.actions import SYSTEM, TicketChanges
from kefu.tickets.status import ACTIVE

log = logging.getLogger(__name__)


@dataclass(slots=True)
class SweepReport:
    """What one sweep did (for tests and logs)."""

    warned: list[int] = field(default_factory=list)
    breached: list[int] = field(default_factory=list)
    reassigned: list[int] = field(default_factory=list)
    follow_ups: list[int] = field(default_factory=list)


async def sweep(ctx: Context) -> SweepReport:
    """Do everything that is due now."""
    report = SweepReport()
    async with ctx.uow() as uow:
        due = await repo.sla_due(uow.session, ctx.clock.now())
    for ticket_id in due:
        async with ctx.uow() as uow:
            await _one(uow, ctx, ticket_id, report)
    report.follow_ups = await followups.announce_due(ctx)
    return report


async def _one(uow: UnitOfWork, ctx: Context, ticket_id: int, report: SweepReport) -> None:
    now = ctx.clock.now()
    ticket = await repo.get(uow.session, ticket_id, lock=True)
    if ticket is None or ticket.status not in ACTIVE or ticket.sla_due_at is None:
        return
    policy, _cal = await sla.context_for(uow.session, ticket)
    clock = ctx.texts.render(f"ticket.clock.{ticket.sla_clock}", ctx.texts.default_locale)
    due_text = ticket.sla_due_at.astimezone(await numbers.zone(uow.session)).strftime("%m-%d %H:%M")
    data = {"clock": ticket.sla_clock, "due_at": ticket.sla_due_at.isoformat()}
    if ticket.sla_due_at <= now and not ticket.sla_breached:
        ticket.sla_breached = ticket.sla_warned = True
        await actions.add_event(uow, ctx, ticket, "sla", SYSTEM, data={**data, "stage": "breach"})
        phrase = Phrase("alert.ticket.sla_breach", {"number": ticket.number, "clock": clock, "due": due_text})
        uow.emit(TicketAlert(ticket.id, ticket.number, "sla_breach", _say(ctx, phrase), ticket.assignee_id))
        report.breached.append(ticket.id)
        if policy is not None and policy.reassign_on_breach:
            await _reassign(uow, ctx, ticket, report)
        await actions.changed(uow, ticket, "sla", SYSTEM)
    elif ticket.sla_warn_at is not None and ticket.sla_warn_at <= now and not ticket.sla_warned:
        ticket.sla_warned = True
        await actions.add_event(uow, ctx, ticket, "sla", SYSTEM, data={**data, "stage": "warning"})
        phrase = Phrase("alert.ticket.sla_warning", {"number": ticket.number, "clock": clock, "due": due_text})
        uow.emit(TicketAlert(ticket.id, ticket.number, "sla_warning", _say(ctx, phrase), ticket.assignee_id))
        report.warned.append(ticket.id)
        await actions.changed(uow, ticket, "sla", SYSTEM)
    else:
        return
    await uow.commit()


async def _reassign(uow: UnitOfWork, ctx: Context, ticket: Ticket, report: SweepReport) -> None:
    """Give the ticket to the online agent of its group with the fewest open tickets (not the current one)."""
    if ticket.skill_group_id is None:
        return
    online = await routing_repo.agents(uow.session, group_id=ticket.skill_group_id, online_only=True)
    others = [a for a in online if a.user_id != ticket.assignee_id]
    if not others:
        return
    loads = await repo.count_active_assigned(uow.session, [a.user_id for a in others])
    chosen = min(others, key=lambda a: (loads.get(a.user_id, 0), a.user_id))
    await actions.update_in(uow, ctx, ticket, TicketChanges(assignee_id=chosen.user_id), SYSTEM)
    phrase = Phrase("alert.ticket.reassigned", {"number": ticket.number, "agent": chosen.display_name})
    uow.emit(TicketAlert(ticket.id, ticket.number, "sla_reassigned", _say(ctx, phrase), chosen.user_id))
    report.reassigned.append(ticket.id)


def _say(ctx: Context, phrase: Phrase) -> str:
    return ctx.texts.say(phrase, ctx.texts.default_locale)  # for supervisors: the organisation's language


def start(ctx: Context) -> Callable[[], Awaitable[None]]:
    """Run :func:`sweep` every ``ticket_sweep_seconds`` in the background; returns the async stopper."""
    interval = ctx.settings.ticket_sweep_seconds

    async def loop() -> None:
        while True:
            try:
                await sweep(ctx)
            except Exception:
                log.exception("ticket sweep failed")
            await asyncio.sleep(interval)

    task = asyncio.create_task(loop(), name="kefu-ticket-sweep")

    async def stop() -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return stop
