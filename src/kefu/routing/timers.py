"""Routing timers: due work computed from the database with the injected clock, run every tick.

- first-response SLA breach → re-offered to the next available agent, and supervisors are alerted;
- queue timeout → the customer is offered to keep waiting or to leave a message;
- idle customer (silent after the agent's last message) → the conversation is closed with a notice;
- agent's last connection gone for the grace period → offline;
- and every queue is served again (a safety net after restarts or missed events).

Everything due is found from stored deadlines and timestamps, so a restarted server simply resumes.
Tests call :func:`tick` after moving the clock; :func:`start` runs it in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from kefu.context import Context
from kefu.conversations import lifecycle
from kefu.conversations.status import CloseReason, Status
from kefu.events import SupervisorAlert
from kefu.routing import assignment, notices, presence
from kefu.routing import queue as queue_mod
from kefu.storage.repositories import routing as routing_repo

log = logging.getLogger(__name__)
DEFAULT_IDLE_SECONDS = 1800


@dataclass(slots=True)
class TickReport:
    """What one tick did (for tests and logs)."""

    offline: list[int] = field(default_factory=list)
    sla_reoffered: list[int] = field(default_factory=list)
    sla_alerted: list[int] = field(default_factory=list)
    timeouts: list[int] = field(default_factory=list)
    idle_closed: list[int] = field(default_factory=list)
    assigned: list[int] = field(default_factory=list)


async def tick(ctx: Context) -> TickReport:
    """Run everything that is due now."""
    report = TickReport()
    report.offline = await presence.expire_grace(ctx)
    await _sla(ctx, report)
    await _queue_timeouts(ctx, report)
    await _idle(ctx, report)
    report.assigned = await assignment.assign_all(ctx)
    return report


async def _sla(ctx: Context, report: TickReport) -> None:
    async with ctx.uow() as uow:
        due = await routing_repo.due_sla(uow.session, ctx.clock.now())
    for conversation_id, agent_id, group_id in due:
        async with ctx.uow() as uow:
            group = await routing_repo.get_group(uow.session, group_id)
            candidates = await routing_repo.agents(uow.session, group_id=group_id, online_only=True)
            others = [c for c in candidates if c.user_id != agent_id]
            strategy = group.strategy if group is not None else "least_busy"
            moved_to = None
            for candidate in assignment.order_candidates(strategy, others):
                if await assignment.give(
                    uow,
                    ctx,
                    conversation_id,
                    candidate,
                    group,
                    from_statuses=(Status.ASSIGNED,),
                    from_assignee=agent_id,
                ):
                    moved_to = candidate
                    break
            minutes = queue_mod.minutes(assignment.sla_seconds(group))
            if moved_to is None:
                await routing_repo.clear_sla(uow.session, [conversation_id])
                text = f"会话 #{conversation_id} 超过 {minutes} 分钟未首次回复，且暂无其他客服可接"
                report.sla_alerted.append(conversation_id)
            else:
                text = f"会话 #{conversation_id} 超过 {minutes} 分钟未首次回复，已改派给 {moved_to.display_name}"
                report.sla_reoffered.append(conversation_id)
            uow.emit(SupervisorAlert(conversation_id, "sla_breach", text, agent_id))
            await uow.commit()
        if moved_to is not None:
            await assignment.assign_for_agent(ctx, agent_id)


async def _queue_timeouts(ctx: Context, report: TickReport) -> None:
    async with ctx.uow() as uow:
        due = await routing_repo.due_queue_timeouts(uow.session, ctx.clock.now())
    for conversation_id in due:
        async with ctx.uow() as uow:
            if not await routing_repo.update_waiting(uow.session, conversation_id, {"queue_deadline_at": None}):
                continue
            await notices.say(uow, ctx, conversation_id, queue_mod.TIMEOUT_TEXT)
            await uow.commit()
        status = await _status(ctx, conversation_id)
        if status is not None:
            timeout = dataclasses.replace(status, state="timeout", text=queue_mod.TIMEOUT_TEXT, leave_message=True)
            await ctx.bus.publish(timeout.to_event())
        report.timeouts.append(conversation_id)


async def _status(ctx: Context, conversation_id: int) -> queue_mod.QueueStatus | None:
    async with ctx.uow() as uow:
        row = await routing_repo.get_conversation(uow.session, conversation_id)
        if row is None:
            return None
        return await queue_mod.status_for(uow.session, row, ctx.clock.now())


async def _idle(ctx: Context, report: TickReport) -> None:
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        groups = {g.id: g for g in await routing_repo.all_groups(uow.session)}
        rows = await routing_repo.idle_candidates(uow.session)
    for conversation_id, group_id, last_customer, last_agent in rows:
        group = groups.get(group_id) if group_id is not None else None
        idle = group.idle_close_seconds if group is not None else DEFAULT_IDLE_SECONDS
        if last_agent is None or (last_customer is not None and last_customer >= last_agent):
            continue  # the agent owes the answer, not the customer
        if now - last_agent < timedelta(seconds=idle):
            continue
        async with ctx.uow() as uow:
            closed = await lifecycle.close(
                uow, ctx, conversation_id, CloseReason.IDLE, from_statuses=(Status.ASSIGNED,)
            )
            if closed is None:
                continue
            minutes = queue_mod.minutes(idle)
            await notices.say(
                uow,
                ctx,
                conversation_id,
                f"您已超过 {minutes} 分钟未回复，本次会话已自动结束。如需帮助，欢迎随时再联系我们。",
            )
            await uow.commit()
        report.idle_closed.append(conversation_id)


def start(ctx: Context) -> Callable[[], Awaitable[None]]:
    """Run :func:`tick` every ``routing_tick_seconds`` in the background; returns the async stopper.

    Call :func:`kefu.routing.presence.reset_connections` first on a node that starts (see ``runtime``)."""
    interval = ctx.settings.routing_tick_seconds

    async def loop() -> None:
        while True:
            try:
                await tick(ctx)
            except Exception:
                log.exception("routing tick failed")
            await asyncio.sleep(interval)

    task = asyncio.create_task(loop(), name="kefu-routing-timers")

    async def stop() -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return stop
