"""Transfer with a note (to an agent or a group), supervisor reassign, and leave-a-message."""

from __future__ import annotations

import pytest

from kefu.context import Context
from kefu.conversations import actions, queries
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kefu.events import ConversationTransferred, Event
from kefu.routing import leave, presence, supervisor, transfer
from tests.routing.conftest import conversation, handover, new_agent, new_customer, new_group


async def test_transfer_to_an_agent_with_a_note(rctx: Context, events: list[Event]) -> None:
    group = await new_group(rctx)
    first = await new_agent(rctx, (group,), name="甲")
    waiting = await handover(rctx, group)
    await actions.send_message(rctx, waiting.customer, waiting.conversation_id, "我要退款")
    second = await new_agent(rctx, (group,), name="乙")
    view = await transfer.transfer(
        rctx, first, waiting.conversation_id, to_user_id=second.user_id, note="客户要退款，已核实订单"
    )
    assert (view.status, view.assignee_id) == ("assigned", second.user_id)
    notes = await transfer.history(rctx, second, waiting.conversation_id)
    assert [(n.from_user_id, n.to_user_id, n.note) for n in notes] == [
        (first.user_id, second.user_id, "客户要退款，已核实订单")
    ]
    await rctx.bus.drain()
    sent = [e for e in events if isinstance(e, ConversationTransferred)]
    assert sent[0].note == "客户要退款，已核实订单"
    # The receiver sees the whole history; the customer is told.
    await rctx.bus.drain()
    texts = [m.text for m in await queries.history(rctx, second, waiting.conversation_id)]
    assert "我要退款" in texts
    assert texts[-1] == "已为您转接至客服 乙，请稍候。"
    with pytest.raises(NotFound):  # no longer theirs: they cannot even see it now
        await transfer.transfer(rctx, first, waiting.conversation_id, to_user_id=first.user_id)


async def test_transfer_to_another_group_queues_it_there(rctx: Context) -> None:
    accounts = await new_group(rctx)
    payments = await new_group(rctx)
    agent = await new_agent(rctx, (accounts,))
    payer = await new_agent(rctx, (payments,), name="支付客服")
    waiting = await handover(rctx, accounts)
    await transfer.transfer(rctx, agent, waiting.conversation_id, to_group_id=payments, note="支付问题")
    row = await conversation(rctx, waiting.conversation_id)
    assert (row.skill_group_id, row.assignee_id) == (payments, payer.user_id)
    assert [n.to_group_id for n in await transfer.history(rctx, payer, waiting.conversation_id)] == [payments]


async def test_transfer_refuses_unavailable_agents_but_supervisors_reassign_anyway(rctx: Context) -> None:
    group = await new_group(rctx)
    first = await new_agent(rctx, (group,))
    busy = await new_agent(rctx, (group,), capacity=1, online=False)
    waiting = await handover(rctx, group)
    with pytest.raises(Conflict) as info:
        await transfer.transfer(rctx, first, waiting.conversation_id, to_user_id=busy.user_id)
    assert info.value.code == "agent_unavailable"
    with pytest.raises(InvalidInput):
        await transfer.transfer(rctx, first, waiting.conversation_id)
    boss = await new_agent(rctx, (), role="supervisor", online=False)
    view = await transfer.transfer(rctx, boss, waiting.conversation_id, to_user_id=busy.user_id, note="主管改派")
    assert view.assignee_id == busy.user_id


async def test_supervisor_overview_shows_queues_and_agents(rctx: Context, clock) -> None:
    group = await new_group(rctx, name="售后")
    agent = await new_agent(rctx, (group,), capacity=1, name="小赵")
    await handover(rctx, group)
    clock.advance(seconds=30)
    waiting = await handover(rctx, group, vip=True)
    clock.advance(seconds=30)
    boss = await new_agent(rctx, (), role="supervisor", online=False)
    data = await supervisor.overview(rctx, boss)
    line = next(q for q in data["queues"] if q["group_id"] == group)
    assert line["length"] == 1
    assert line["waiting"][0]["conversation_id"] == waiting.conversation_id
    assert 30 <= line["waiting"][0]["waiting_seconds"] <= 31
    me = next(a for a in data["agents"] if a["user_id"] == agent.user_id)
    assert (me["status"], me["load"], me["capacity"], me["group_names"]) == ("online", 1, 1, ["售后"])
    with pytest.raises(PermissionDenied):
        await supervisor.overview(rctx, agent)
    assert [q["group_id"] for q in await supervisor.queues(rctx, agent)] == [group]


async def test_leave_a_message_then_answer_by_the_same_channel(rctx: Context) -> None:
    group = await new_group(rctx)
    waiting = await handover(rctx, group)  # nobody online
    left = await leave.leave(
        rctx, waiting.customer, text="密码找不回来", contact="13800000000", conversation_id=waiting.conversation_id
    )
    assert (left.status, left.skill_group_id) == ("open", group)
    assert (await conversation(rctx, waiting.conversation_id)).status == "closed"
    await rctx.bus.drain()
    history = await queries.history(rctx, waiting.customer, waiting.conversation_id)
    assert history[-1].text == "您的留言已收到，我们会通过 13800000000 尽快联系您。"
    member = await new_agent(rctx, (group,), online=False, name="小孙")
    outsider = await new_agent(rctx, (await new_group(rctx),), online=False)
    assert [m.id for m in await leave.list_for(rctx, member, "open")] == [left.id]
    assert await leave.list_for(rctx, outsider) == []
    with pytest.raises(NotFound):
        await leave.assign(rctx, outsider, left.id)
    assigned = await leave.assign(rctx, member, left.id)
    assert (assigned.status, assigned.assignee_id) == ("assigned", member.user_id)
    # No open conversation now: the answer waits and arrives when the customer comes back.
    answered = await leave.answer(rctx, member, left.id, "请通过手机号验证找回")
    assert (answered.status, answered.delivered) == ("answered", False)
    back = await actions.open_conversation(rctx, waiting.customer)
    await rctx.bus.drain()
    texts = [m.text for m in await queries.history(rctx, waiting.customer, back.id)]
    assert texts == ["客服 小孙 回复了您的留言「密码找不回来」：请通过手机号验证找回"]
    mine = await leave.list_for(rctx, waiting.customer)
    assert (mine[0].answer, mine[0].delivered) == ("请通过手机号验证找回", True)
    with pytest.raises(Conflict):
        await leave.answer(rctx, member, left.id, "再答一次")


async def test_an_answer_goes_straight_into_an_open_conversation(rctx: Context) -> None:
    customer = await new_customer(rctx)
    left = await leave.leave(rctx, customer, text="发票怎么开", contact="a@example.com", name="王女士")
    assert (left.name, left.skill_group_id) == ("王女士", None)
    opened = await actions.open_conversation(rctx, customer)
    agent = await new_agent(rctx, (), online=False, name="小周")
    await leave.answer(rctx, agent, left.id, "在订单页申请")
    await rctx.bus.drain()
    texts = [m.text for m in await queries.history(rctx, customer, opened.id)]
    assert texts[-1].endswith("：在订单页申请")


@pytest.mark.parametrize(
    ("text", "contact", "code"),
    [("", "138", "message_empty"), ("有问题", "", "bad_contact"), ("长" * 2001, "138", "message_too_long")],
)
async def test_leave_a_message_validates_input(rctx: Context, text: str, contact: str, code: str) -> None:
    customer = await new_customer(rctx)
    with pytest.raises(InvalidInput) as info:
        await leave.leave(rctx, customer, text=text, contact=contact)
    assert info.value.code == code


async def test_presence_rules(rctx: Context) -> None:
    agent = await new_agent(rctx, (), online=False)
    with pytest.raises(InvalidInput):
        await presence.set_status(rctx, agent, "busy")
    with pytest.raises(PermissionDenied):
        await presence.set_capacity(rctx, agent, 9)
    other = await new_agent(rctx, (), online=False)
    with pytest.raises(PermissionDenied):
        await presence.set_status(rctx, agent, "online", user_id=other.user_id)
    boss = await new_agent(rctx, (), role="supervisor", online=False)
    view = await presence.set_capacity(rctx, boss, 9, user_id=agent.user_id)
    assert view.capacity == 9
    assert (await presence.set_status(rctx, boss, "away", user_id=agent.user_id)).status == "away"
