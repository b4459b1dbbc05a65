"""SLA clocks on business hours, the sweep's warnings and escalations, durability across restarts,
and follow-ups coming back on time."""

from __future__ import annotations

from datetime import datetime

import pytest

from kefu.bootstrap import open_context
from kefu.config import Settings
from kefu.context import Context
from kefu.events import Event, FollowUpDue, TicketAlert
from kefu.tickets import actions, followups, queries, sweep
from kefu.tickets import settings as desk_settings
from kefu.tickets.actions import TicketChanges
from kefu.tickets.calendar import due_at, working_minutes
from kefu.tickets.sla import calendar_for
from tests.support import TickingClock
from tests.tickets.conftest import OFFICE, Desk

POLICY = {
    "first_response_minutes": 30,
    "next_update_minutes": 120,
    "resolution_minutes": 480,
    "warn_before_minutes": 15,
    "reassign_on_breach": True,
}


@pytest.fixture
async def office(ctx: Context) -> Desk:
    desk = await Desk(ctx).setup(hours=OFFICE)
    await desk_settings.save_policy(ctx, desk.supervisor, POLICY)
    return desk


def at(text: str | None) -> datetime:
    assert text is not None
    return datetime.fromisoformat(text)


async def test_due_times_follow_the_group_hours(ctx: Context, office: Desk) -> None:
    # Created Monday 17:00 in Shanghai (09:00 UTC); the office closes at 18:00.
    ticket = await office.ticket(assignee_id=office.agent.user_id)
    assert ticket.sla_clock == "first_response"
    assert at(ticket.first_response_due_at).strftime("%H:%M") == "09:30"  # 17:30 Shanghai, in UTC
    resolution = at(ticket.resolution_due_at)
    assert (resolution.day, resolution.strftime("%H:%M")) == (3, "09:00")  # Tuesday 17:00 Shanghai


async def test_warn_then_breach_then_reassign_once_each_and_durably(
    ctx: Context, office: Desk, clock: TickingClock, settings: Settings, seen: list[Event]
) -> None:
    ticket = await office.ticket(assignee_id=office.agent.user_id)
    assert (await sweep.sweep(ctx)).warned == []
    clock.advance(minutes=16)
    assert (await sweep.sweep(ctx)).warned == [ticket.id]
    assert (await sweep.sweep(ctx)).warned == []
    clock.advance(minutes=15)
    report = await sweep.sweep(ctx)
    assert (report.breached, report.reassigned) == ([ticket.id], [ticket.id])
    async with open_context(settings, clock) as restarted:  # another node, or this one after a restart
        again = await sweep.sweep(restarted)
    assert (again.warned, again.breached) == ([], [])
    await ctx.bus.drain()
    alerts = [e.kind for e in seen if isinstance(e, TicketAlert)]
    assert alerts == ["sla_warning", "sla_breach", "sla_reassigned"]
    detail = await queries.get(ctx, office.supervisor, ticket.id)
    assert detail.ticket.assignee_id == office.colleague.user_id
    assert detail.ticket.sla_breached
    sla_lines = [(e.kind, e.data.get("stage") or e.data.get("field"), e.actor_kind) for e in detail.timeline[1:]]
    assert ("sla", "warning", "system") in sla_lines
    assert ("sla", "breach", "system") in sla_lines
    assert ("assignee", "assignee_id", "system") in sla_lines


async def test_first_reply_meets_first_response_and_starts_next_update(ctx: Context, office: Desk) -> None:
    ticket = await office.ticket(assignee_id=office.agent.user_id)
    await actions.reply(ctx, office.agent, ticket.id, "收到，正在处理")
    view = (await queries.get(ctx, office.agent, ticket.id)).ticket
    assert view.first_response_due_at is None
    assert view.first_responded_at is not None
    assert view.sla_clock == "next_update"
    # 17:00 + 120 working minutes: 60 today, 60 on Tuesday morning → 10:00 Shanghai = 02:00 UTC
    assert at(view.next_update_due_at).strftime("%d %H:%M") == "03 02:00"
    assert not view.sla_warned
    assert not view.sla_breached


async def test_pending_pauses_resolution_by_the_working_time_spent_waiting(
    ctx: Context, office: Desk, clock: TickingClock
) -> None:
    ticket = await office.ticket(assignee_id=office.agent.user_id)
    await actions.reply(ctx, office.agent, ticket.id, "请提供订单截图")
    before = at((await queries.get(ctx, office.agent, ticket.id)).ticket.resolution_due_at)
    paused = await actions.update(ctx, office.agent, ticket.id, TicketChanges(status="pending"))
    assert paused.sla_paused
    assert paused.next_update_due_at is None
    assert paused.sla_clock is None
    clock.advance(hours=24)  # a whole working day waiting for the customer
    resumed = await actions.update(ctx, office.agent, ticket.id, TicketChanges(status="open"))
    async with ctx.uow() as uow:
        cal = await calendar_for(uow.session, office.group)
    waited = working_minutes(at(paused.updated_at), at(resumed.updated_at), cal)
    assert waited >= 8 * 60 - 1
    assert abs((at(resumed.resolution_due_at) - due_at(before, waited, cal)).total_seconds()) < 1
    assert not resumed.sla_paused


async def test_resolved_stops_every_clock(ctx: Context, office: Desk) -> None:
    ticket = await office.ticket()
    done = await actions.update(ctx, office.agent, ticket.id, TicketChanges(status="resolved"))
    assert (done.sla_due_at, done.first_response_due_at, done.resolution_due_at) == (None, None, None)


async def test_follow_up_comes_back_when_due_once_and_survives_restarts(
    ctx: Context, office: Desk, clock: TickingClock, settings: Settings, seen: list[Event]
) -> None:
    ticket = await office.ticket(assignee_id=office.agent.user_id)
    made = await followups.schedule(ctx, office.agent, ticket_id=ticket.id, in_days=3, note="3 天后回访")
    assert made.assignee_id == office.agent.user_id
    assert await followups.list_for(ctx, office.agent, due_only=True) == []
    clock.advance(days=3, minutes=1)
    async with open_context(settings, clock) as restarted:
        assert (await sweep.sweep(restarted)).follow_ups == [made.id]
    assert (await sweep.sweep(ctx)).follow_ups == []
    due = await followups.list_for(ctx, office.agent, due_only=True)
    assert [(f.id, f.notified) for f in due] == [(made.id, True)]
    assert await followups.list_for(ctx, office.outsider, due_only=True) == []
    await followups.finish(ctx, office.agent, made.id)
    assert await followups.list_for(ctx, office.agent, due_only=True) == []
    await ctx.bus.drain()
    assert [e.follow_up["id"] for e in seen if isinstance(e, FollowUpDue)] == []  # published on the other context


async def test_follow_up_event_goes_out_on_this_bus(
    ctx: Context, office: Desk, clock: TickingClock, seen: list[Event]
) -> None:
    group_task = await followups.schedule(
        ctx,
        office.agent,
        conversation_id=None,
        ticket_id=(await office.ticket()).id,
        in_days=1,
        skill_group_id=office.group,
    )
    assert (group_task.assignee_id, group_task.skill_group_id) == (None, office.group)
    clock.advance(days=1, minutes=1)
    await sweep.sweep(ctx)
    await ctx.bus.drain()
    assert [e.follow_up["id"] for e in seen if isinstance(e, FollowUpDue)] == [group_task.id]
    colleague_sees = await followups.list_for(ctx, office.colleague, due_only=True)
    assert [f.id for f in colleague_sees] == [group_task.id]
