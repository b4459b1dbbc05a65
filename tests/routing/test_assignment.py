"""Assignment: online agents of the right group, capacity, priorities, strategies, manual pick."""

from __future__ import annotations

import pytest

from kefu.context import Context
from kefu.conversations import actions, queries
from kefu.errors import Conflict
from kefu.events import ConversationChanged, Event, QueueUpdate
from kefu.routing import assignment, presence
from kefu.routing import queue as queue_mod
from tests.routing.conftest import conversation, handover, new_agent, new_customer, new_group


async def test_an_online_agent_of_the_group_gets_the_handed_over_conversation(rctx: Context) -> None:
    group = await new_group(rctx)
    other = await new_group(rctx)
    await new_agent(rctx, (other,), name="别组")
    await new_agent(rctx, (group,), online=False, name="离线")
    agent = await new_agent(rctx, (group,), name="在线")
    waiting = await handover(rctx, group)
    row = await conversation(rctx, waiting.conversation_id)
    assert (row.status, row.assignee_id) == ("assigned", agent.user_id)
    await rctx.bus.drain()
    history = await queries.history(rctx, waiting.customer, waiting.conversation_id)
    assert [m.text for m in history] == ["客服 在线 已接入，请问有什么可以帮您？"]


async def test_capacity_is_respected_and_a_freed_slot_is_filled(rctx: Context) -> None:
    group = await new_group(rctx)
    agent = await new_agent(rctx, (group,), capacity=2)
    convs = [await handover(rctx, group) for _ in range(3)]
    statuses = [(await conversation(rctx, w.conversation_id)).status for w in convs]
    assert statuses == ["assigned", "assigned", "queued"]
    await actions.close(rctx, agent, convs[0].conversation_id)
    assert (await conversation(rctx, convs[2].conversation_id)).assignee_id == agent.user_id


async def test_group_default_capacity_applies_without_an_agent_setting(rctx: Context) -> None:
    group = await new_group(rctx, default_capacity=1)
    await new_agent(rctx, (group,))
    first, second = await handover(rctx, group), await handover(rctx, group)
    assert (await conversation(rctx, first.conversation_id)).status == "assigned"
    assert (await conversation(rctx, second.conversation_id)).status == "queued"


async def test_vip_complaints_and_money_jump_ahead_fifo_within_a_priority(rctx: Context) -> None:
    group = await new_group(rctx)
    normal1 = await handover(rctx, group)
    normal2 = await handover(rctx, group)
    money = await handover(rctx, group, reason="sensitive_topic")
    complaint = await handover(rctx, group, reason="negative_sentiment")
    vip = await handover(rctx, group, vip=True)
    async with rctx.uow() as uow:
        order = [s.conversation_id for s in await queue_mod.statuses(uow.session, group, rctx.clock.now())]
    expected = [vip, complaint, money, normal1, normal2]
    assert order == [w.conversation_id for w in expected]
    agent = await new_agent(rctx, (group,), capacity=1)
    assert (await conversation(rctx, vip.conversation_id)).assignee_id == agent.user_id
    money_group = await new_group(rctx, is_money=True)
    in_money_group = await handover(rctx, money_group)
    assert (await conversation(rctx, in_money_group.conversation_id)).priority == queue_mod.MONEY


async def test_least_busy_prefers_lower_load_then_the_longest_idle(rctx: Context) -> None:
    group = await new_group(rctx, strategy="least_busy")
    a = await new_agent(rctx, (group,), capacity=4)
    b = await new_agent(rctx, (group,), capacity=4)
    first = await handover(rctx, group)
    second = await handover(rctx, group)
    third = await handover(rctx, group)
    owners = [(await conversation(rctx, w.conversation_id)).assignee_id for w in (first, second, third)]
    assert owners[0] != owners[1]  # the idle one gets the second
    assert owners[2] == owners[0]  # equal load: the one idle longest (assigned first) gets the third
    assert {a.user_id, b.user_id} == set(owners)


async def test_round_robin_rotates_whatever_the_load(rctx: Context) -> None:
    group = await new_group(rctx, strategy="round_robin")
    agents = [await new_agent(rctx, (group,), capacity=5) for _ in range(3)]
    owners = [(await conversation(rctx, (await handover(rctx, group)).conversation_id)).assignee_id for _ in range(6)]
    assert owners[:3] == owners[3:]
    assert set(owners) == {a.user_id for a in agents}


async def test_last_agent_first_for_a_returning_customer(rctx: Context) -> None:
    group = await new_group(rctx, strategy="last_agent", last_agent_days=7)
    a = await new_agent(rctx, (group,), capacity=5)
    b = await new_agent(rctx, (group,), capacity=5)
    customer = await new_customer(rctx)
    first = await handover(rctx, group, customer=customer)
    served_by = (await conversation(rctx, first.conversation_id)).assignee_id
    server = a if served_by == a.user_id else b
    await actions.close(rctx, server, first.conversation_id)
    for _ in range(2):
        await handover(rctx, group)  # others make the returning agent the busier one
    again = await handover(rctx, group, customer=customer)
    assert (await conversation(rctx, again.conversation_id)).assignee_id == served_by
    await presence.set_status(rctx, server, "away")
    third = await handover(rctx, group, customer=customer)
    assert (await conversation(rctx, third.conversation_id)).assignee_id != served_by


async def test_customers_see_position_and_eta_as_the_queue_moves(rctx: Context, events: list[Event]) -> None:
    group = await new_group(rctx)
    agent = await new_agent(rctx, (group,), capacity=1)
    first = await handover(rctx, group)
    second = await handover(rctx, group)
    third = await handover(rctx, group)
    await rctx.bus.drain()
    last = {e.conversation_id: e for e in events if isinstance(e, QueueUpdate)}
    assert (last[second.conversation_id].position, last[third.conversation_id].position) == (1, 2)
    # 5 minutes per conversation by default, one slot: 2 × 300 s.
    assert last[third.conversation_id].eta_seconds == 600
    assert last[third.conversation_id].to_wire()["text"] == "前面还有 1 位，预计等待 10 分钟"
    await rctx.bus.drain()
    history = await queries.history(rctx, third.customer, third.conversation_id)
    assert history[-1].text == "已为您转接人工客服，前面还有 1 位，预计等待 10 分钟"
    events.clear()
    await actions.close(rctx, agent, first.conversation_id)
    await rctx.bus.drain()
    moved = [e for e in events if isinstance(e, QueueUpdate)]
    assert [(e.conversation_id, e.position) for e in moved] == [(third.conversation_id, 1)]
    # The first conversation was handled in an instant: the estimate follows (at least a minute is promised).
    assert moved[0].text == "您是下一位，预计等待 1 分钟"
    await rctx.bus.drain()
    assigned = [e for e in events if isinstance(e, ConversationChanged) and e.change == "assigned"]
    assert [e.conversation_id for e in assigned] == [second.conversation_id]


async def test_eta_uses_the_groups_recent_handling_time(rctx: Context, clock) -> None:
    group = await new_group(rctx)
    agent = await new_agent(rctx, (group,), capacity=2)
    for _ in range(2):
        served = await handover(rctx, group)
        clock.advance(seconds=60)
        await actions.close(rctx, agent, served.conversation_id)
    busy = [await handover(rctx, group) for _ in range(2)]
    assert [(await conversation(rctx, w.conversation_id)).status for w in busy] == ["assigned"] * 2
    waiting = [await handover(rctx, group) for _ in range(3)]
    async with rctx.uow() as uow:
        row = await conversation(rctx, waiting[2].conversation_id)
        status = await queue_mod.status_for(uow.session, row, rctx.clock.now())
    # Each was handled for 60 s: 3 (position) × 60 s ÷ 2 slots = 90 s.
    assert status.position == 3
    assert 90 <= status.eta_seconds <= 92  # (the test clock ticks a millisecond per reading)
    assert status.text == "前面还有 2 位，预计等待 2 分钟"


async def test_nobody_online_tells_the_customer_and_offers_leaving_a_message(rctx: Context, events) -> None:
    group = await new_group(rctx)
    await new_agent(rctx, (group,), online=False)
    waiting = await handover(rctx, group)
    await rctx.bus.drain()
    history = await queries.history(rctx, waiting.customer, waiting.conversation_id)
    assert history[-1].text == queue_mod.NO_AGENTS_TEXT
    await rctx.bus.drain()
    update = [e for e in events if isinstance(e, QueueUpdate)][-1]
    assert (update.state, update.leave_message, update.eta_seconds) == ("no_agents", True, None)


async def test_outside_business_hours_no_assignment_and_the_off_hours_text(rctx: Context, clock) -> None:
    closed_all_week = {"timezone": "Asia/Shanghai", "weekly": {}}
    group = await new_group(rctx, hours=closed_all_week, off_hours_text="我们的服务时间是工作日 9:00-18:00，请留言。")
    await new_agent(rctx, (group,))
    waiting = await handover(rctx, group)
    assert (await conversation(rctx, waiting.conversation_id)).status == "queued"
    await rctx.bus.drain()
    history = await queries.history(rctx, waiting.customer, waiting.conversation_id)
    assert history[-1].text == "我们的服务时间是工作日 9:00-18:00，请留言。"
    default_text = await new_group(rctx, hours={"weekly": {"mon": ["09:00-12:00"]}})
    await new_agent(rctx, (default_text,))
    clock.advance(days=1)  # Tuesday: next opening is the following Monday 09:00 Shanghai
    later = await handover(rctx, default_text)
    await rctx.bus.drain()
    text = (await queries.history(rctx, later.customer, later.conversation_id))[-1].text
    assert text.startswith("现在是非服务时间，我们将于 3月9日 09:00 开始服务")


async def test_manual_pick_is_open_to_any_waiting_conversation_within_capacity(rctx: Context) -> None:
    group = await new_group(rctx)
    agent = await new_agent(rctx, (group,), online=False, capacity=1)
    normal = await handover(rctx, group)
    vip = await handover(rctx, group, vip=True)
    taken = await assignment.pick(rctx, agent, normal.conversation_id)  # behind a VIP, still pickable
    assert taken.assignee_id == agent.user_id
    other = await handover(rctx, group)
    with pytest.raises(Conflict) as info:
        await assignment.pick(rctx, agent, other.conversation_id)
    assert info.value.code == "at_capacity"
    boss = await new_agent(rctx, (), role="supervisor", online=False, capacity=1)
    await assignment.pick(rctx, boss, vip.conversation_id)
    await assignment.pick(rctx, boss, other.conversation_id)  # over capacity: supervisors may
    with pytest.raises(Conflict) as info:
        await assignment.pick(rctx, boss, other.conversation_id)
    assert info.value.code == "not_waiting"


async def test_take_next_serves_the_highest_priority_first(rctx: Context) -> None:
    group = await new_group(rctx)
    agent = await new_agent(rctx, (group,), online=False)
    await handover(rctx, group)
    complaint = await handover(rctx, group, reason="negative_sentiment")
    taken = await assignment.take_next(rctx, agent)
    assert taken is not None
    assert taken.id == complaint.conversation_id
    empty_group = await new_group(rctx)
    idle = await new_agent(rctx, (empty_group,), online=False)
    assert await assignment.take_next(rctx, idle) is None


async def test_the_existing_take_still_works_from_the_bot(rctx: Context) -> None:
    customer = await new_customer(rctx)
    opened = await actions.open_conversation(rctx, customer)
    agent = await new_agent(rctx, (), online=False)
    view = await assignment.pick(rctx, agent, opened.id)
    assert view.status == "assigned"
