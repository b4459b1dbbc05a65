"""Timers: SLA breach re-offer and alert, queue timeout, idle close, presence grace; resuming after a restart."""

from __future__ import annotations

from kefu.bootstrap import open_context
from kefu.bus import Delivery
from kefu.config import Settings
from kefu.context import Context
from kefu.conversations import actions, queries
from kefu.events import Event, PresenceChanged, QueueUpdate, SupervisorAlert
from kefu.routing import assignment, presence, runtime, timers
from kefu.routing import queue as queue_mod
from tests.routing.conftest import conversation, handover, new_agent, new_group
from tests.support import TickingClock


async def test_no_first_reply_within_the_sla_reoffers_to_the_next_agent_and_alerts(
    rctx: Context, clock: TickingClock, events: list[Event]
) -> None:
    group = await new_group(rctx, sla_seconds=300)
    first = await new_agent(rctx, (group,), name="甲")
    waiting = await handover(rctx, group)
    assert (await conversation(rctx, waiting.conversation_id)).assignee_id == first.user_id
    second = await new_agent(rctx, (group,), name="乙")
    clock.advance(seconds=299)
    assert (await timers.tick(rctx)).sla_reoffered == []
    clock.advance(seconds=2)
    report = await timers.tick(rctx)
    assert report.sla_reoffered == [waiting.conversation_id]
    assert (await conversation(rctx, waiting.conversation_id)).assignee_id == second.user_id
    await rctx.bus.drain()
    alerts = [e for e in events if isinstance(e, SupervisorAlert)]
    assert [(a.kind, a.conversation_id, a.agent_id) for a in alerts] == [
        ("sla_breach", waiting.conversation_id, first.user_id)
    ]
    assert "乙" in alerts[0].text
    # The new agent replies in time: nothing more happens.
    await actions.send_message(rctx, second, waiting.conversation_id, "您好，我来处理")
    clock.advance(seconds=400)
    report = await timers.tick(rctx)
    assert (report.sla_reoffered, report.sla_alerted) == ([], [])


async def test_sla_breach_with_nobody_else_only_alerts_once(rctx: Context, clock: TickingClock) -> None:
    group = await new_group(rctx, sla_seconds=60)
    agent = await new_agent(rctx, (group,))
    waiting = await handover(rctx, group)
    clock.advance(seconds=61)
    assert (await timers.tick(rctx)).sla_alerted == [waiting.conversation_id]
    assert (await conversation(rctx, waiting.conversation_id)).assignee_id == agent.user_id
    clock.advance(seconds=61)
    assert (await timers.tick(rctx)).sla_alerted == []


async def test_queue_timeout_offers_leaving_a_message_and_keep_waiting_restarts_it(
    rctx: Context, clock: TickingClock, events: list[Event]
) -> None:
    group = await new_group(rctx, queue_timeout_seconds=120)
    await new_agent(rctx, (group,), capacity=1)
    await handover(rctx, group)
    waiting = await handover(rctx, group)
    clock.advance(seconds=119)
    assert (await timers.tick(rctx)).timeouts == []
    clock.advance(seconds=2)
    assert (await timers.tick(rctx)).timeouts == [waiting.conversation_id]
    await rctx.bus.drain()
    history = await queries.history(rctx, waiting.customer, waiting.conversation_id)
    assert history[-1].text == queue_mod.TIMEOUT_TEXT
    await rctx.bus.drain()
    offer = [e for e in events if isinstance(e, QueueUpdate)][-1]
    assert (offer.state, offer.leave_message, offer.position) == ("timeout", True, 1)
    clock.advance(seconds=60)
    assert (await timers.tick(rctx)).timeouts == []  # offered once
    status = await assignment.keep_waiting(rctx, waiting.customer, waiting.conversation_id)
    assert (status.state, status.leave_message) == ("waiting", False)
    clock.advance(seconds=121)
    assert (await timers.tick(rctx)).timeouts == [waiting.conversation_id]


async def test_a_silent_customer_is_closed_with_a_notice(rctx: Context, clock: TickingClock) -> None:
    group = await new_group(rctx, idle_close_seconds=600)
    agent = await new_agent(rctx, (group,))
    waiting = await handover(rctx, group)
    await actions.send_message(rctx, waiting.customer, waiting.conversation_id, "我的订单没到")
    clock.advance(seconds=700)
    assert (await timers.tick(rctx)).idle_closed == []  # the agent owes the answer, not the customer
    await actions.send_message(rctx, agent, waiting.conversation_id, "请提供订单号")
    clock.advance(seconds=599)
    assert (await timers.tick(rctx)).idle_closed == []
    clock.advance(seconds=2)
    assert (await timers.tick(rctx)).idle_closed == [waiting.conversation_id]
    row = await conversation(rctx, waiting.conversation_id)
    assert row.status == "closed"
    await rctx.bus.drain()
    history = await queries.history(rctx, waiting.customer, waiting.conversation_id)
    assert history[-1].text.startswith("您已超过 10 分钟未回复，本次会话已自动结束")


async def test_agent_drops_offline_after_the_grace_period_without_connections(
    rctx: Context, clock: TickingClock, events: list[Event]
) -> None:
    grace = rctx.settings.presence_grace_seconds
    agent = await new_agent(rctx, (), online=False)
    await presence.connected(rctx, agent.user_id)
    await presence.connected(rctx, agent.user_id)
    await presence.set_status(rctx, agent, "online")
    await presence.disconnected(rctx, agent.user_id)
    clock.advance(seconds=grace + 10)
    assert (await timers.tick(rctx)).offline == []  # one tab still open
    await presence.disconnected(rctx, agent.user_id)
    clock.advance(seconds=grace - 1)
    assert (await timers.tick(rctx)).offline == []
    await presence.connected(rctx, agent.user_id)  # a reload within the grace period
    await presence.disconnected(rctx, agent.user_id)
    clock.advance(seconds=grace - 1)
    assert (await timers.tick(rctx)).offline == []
    clock.advance(seconds=2)
    assert (await timers.tick(rctx)).offline == [agent.user_id]
    assert (await presence.get(rctx, agent.user_id)).status == "offline"
    await rctx.bus.drain()
    assert [e.status for e in events if isinstance(e, PresenceChanged)][-1] == "offline"


async def test_a_restart_resumes_queues_and_timers_from_the_database(
    rctx: Context, settings: Settings, clock: TickingClock
) -> None:
    group = await new_group(rctx, queue_timeout_seconds=60, sla_seconds=60)
    await new_agent(rctx, (group,), capacity=1)
    served = await handover(rctx, group)
    waiting = await handover(rctx, group)
    clock.advance(seconds=120)
    # A new node on the same database (the old one is gone): its first tick does what was due.
    async with open_context(settings, clock) as fresh:
        unsubscribe = fresh.bus.subscribe(runtime.listener(fresh), Delivery.ONCE)
        try:
            report = await timers.tick(fresh)  # what the new node's background timers run first
        finally:
            unsubscribe()
        assert report.timeouts == [waiting.conversation_id]
        assert report.sla_alerted == [served.conversation_id]
        async with fresh.uow() as uow:
            status = await queue_mod.status_for(
                uow.session, await conversation(fresh, waiting.conversation_id), clock.now()
            )
        assert status.position == 1
