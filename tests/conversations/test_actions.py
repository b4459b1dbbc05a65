"""Conversation actions against the real database: numbering, idempotency, validation, events."""

from __future__ import annotations

import asyncio

import pytest

from kefu.bus import Delivery
from kefu.channels import web as web_channel
from kefu.context import Context
from kefu.conversations import actions, queries
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kefu.events import ConversationChanged, Event, MessageCreated
from kefu.routing import assignment
from kefu.security.auth import sign_in
from kefu.security.principals import AgentPrincipal, CustomerPrincipal
from tests.support import AGENT1, AGENT2


async def _customer(ctx: Context, name: str = "张三") -> CustomerPrincipal:
    return (await web_channel.open_visitor(ctx, None, name)).principal


async def _agent(ctx: Context, who: tuple[str, str] = AGENT1) -> AgentPrincipal:
    return (await sign_in(ctx, *who)).principal


async def _record(ctx: Context) -> list[Event]:
    await ctx.bus.drain()  # only what happens from here on
    seen: list[Event] = []

    async def listener(event: Event) -> None:
        seen.append(event)

    ctx.bus.subscribe(listener, Delivery.ONCE)
    return seen


async def test_messages_are_numbered_in_order(ctx: Context) -> None:
    customer = await _customer(ctx)
    conv = await actions.open_conversation(ctx, customer)
    for i in range(3):
        await actions.send_message(ctx, customer, conv.id, f"消息{i}")
    history = await queries.history(ctx, customer, conv.id)
    assert [m.seq for m in history] == [1, 2, 3]
    assert [m.text for m in history] == ["消息0", "消息1", "消息2"]


async def test_concurrent_sends_get_distinct_consecutive_seqs(ctx: Context) -> None:
    customer = await _customer(ctx)
    conv = await actions.open_conversation(ctx, customer)
    results = await asyncio.gather(*(actions.send_message(ctx, customer, conv.id, f"m{i}") for i in range(15)))
    assert sorted(view.seq for view, _ in results) == list(range(1, 16))


async def test_resend_with_same_client_msg_id_stores_nothing_new(ctx: Context) -> None:
    customer = await _customer(ctx)
    conv = await actions.open_conversation(ctx, customer)
    seen = await _record(ctx)
    first, created = await actions.send_message(ctx, customer, conv.id, "你好", client_msg_id="abc-1")
    again, created_again = await actions.send_message(ctx, customer, conv.id, "你好", client_msg_id="abc-1")
    assert created
    assert not created_again
    assert again == first
    assert len(await queries.history(ctx, customer, conv.id)) == 1
    await ctx.bus.drain()
    assert len([e for e in seen if isinstance(e, MessageCreated)]) == 1


async def test_concurrent_resends_store_one_message(ctx: Context) -> None:
    customer = await _customer(ctx)
    conv = await actions.open_conversation(ctx, customer)
    results = await asyncio.gather(
        *(actions.send_message(ctx, customer, conv.id, "同一条", client_msg_id="dup") for _ in range(6))
    )
    assert len({view.id for view, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert len(await queries.history(ctx, customer, conv.id)) == 1


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "message_empty"), ("   \n ", "message_empty"), ("字" * 5001, "message_too_long")],
)
async def test_bad_text_is_refused_and_changes_nothing(ctx: Context, text: str, code: str) -> None:
    customer = await _customer(ctx)
    conv = await actions.open_conversation(ctx, customer)
    seen = await _record(ctx)
    with pytest.raises(InvalidInput) as info:
        await actions.send_message(ctx, customer, conv.id, text)
    assert info.value.code == code
    assert await queries.history(ctx, customer, conv.id) == []
    await ctx.bus.drain()
    assert seen == []
    assert (await queries.get_conversation(ctx, customer, conv.id)).last_seq == 0


async def test_longest_allowed_message_is_accepted(ctx: Context) -> None:
    customer = await _customer(ctx)
    conv = await actions.open_conversation(ctx, customer)
    view, _ = await actions.send_message(ctx, customer, conv.id, "字" * 5000)
    assert len(view.text) == 5000


async def test_bad_client_msg_id_is_refused(ctx: Context) -> None:
    customer = await _customer(ctx)
    conv = await actions.open_conversation(ctx, customer)
    with pytest.raises(InvalidInput):
        await actions.send_message(ctx, customer, conv.id, "hi", client_msg_id="x" * 65)


async def test_open_conversation_returns_the_same_open_one(ctx: Context) -> None:
    customer = await _customer(ctx)
    views = await asyncio.gather(*(actions.open_conversation(ctx, customer) for _ in range(4)))
    assert len({v.id for v in views}) == 1
    assert views[0].status == "queued"


async def test_agent_takes_replies_and_closes(ctx: Context) -> None:
    customer = await _customer(ctx)
    agent = await _agent(ctx)
    conv = await actions.open_conversation(ctx, customer)
    await actions.send_message(ctx, customer, conv.id, "我的账号被盗了")
    with pytest.raises(PermissionDenied):
        await actions.send_message(ctx, agent, conv.id, "还没接入就回复")
    taken = await assignment.pick(ctx, agent, conv.id)
    assert taken.status == "assigned"
    assert taken.assignee_id == agent.user_id
    reply, _ = await actions.send_message(ctx, agent, conv.id, "您好，我来帮您处理")
    assert reply.sender_kind == "agent"
    assert reply.sender_name == "小王"
    closed = await actions.close(ctx, agent, conv.id)
    assert closed.status == "closed"
    kinds = [m.sender_kind for m in await queries.history(ctx, customer, conv.id)]
    assert kinds == ["customer", "system", "agent", "system"]
    with pytest.raises(Conflict):
        await actions.send_message(ctx, customer, conv.id, "还在吗")
    with pytest.raises(Conflict):
        await actions.close(ctx, agent, conv.id)
    fresh = await actions.open_conversation(ctx, customer)
    assert fresh.id != conv.id


async def test_two_agents_taking_at_once_only_one_wins(ctx: Context) -> None:
    customer = await _customer(ctx)
    conv = await actions.open_conversation(ctx, customer)
    agents = [await _agent(ctx, AGENT1), await _agent(ctx, AGENT2)]
    outcomes = await asyncio.gather(*(assignment.pick(ctx, a, conv.id) for a in agents), return_exceptions=True)
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    losers = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(winners) == 1
    assert len(losers) == 1
    history = await queries.history(ctx, customer, conv.id)
    assert [m.sender_kind for m in history] == ["system"]


async def test_events_leave_after_commit_and_in_order(ctx: Context) -> None:
    customer = await _customer(ctx)
    seen = await _record(ctx)
    conv = await actions.open_conversation(ctx, customer)
    await actions.send_message(ctx, customer, conv.id, "在吗")
    await ctx.bus.drain()
    assert isinstance(seen[0], ConversationChanged)
    assert seen[0].change == "created"
    assert isinstance(seen[1], MessageCreated)
    assert seen[1].message.seq == 1


async def test_listener_sees_committed_state(ctx: Context) -> None:
    customer = await _customer(ctx)
    conv = await actions.open_conversation(ctx, customer)
    found: list[int] = []

    async def listener(event: Event) -> None:
        if isinstance(event, MessageCreated):
            history = await queries.history(ctx, customer, event.conversation_id)
            found.extend(m.seq for m in history)

    ctx.bus.subscribe(listener, Delivery.ONCE)
    await actions.send_message(ctx, customer, conv.id, "提交后才通知")
    await ctx.bus.drain()
    assert found == [1]


async def test_failing_listener_does_not_break_sending(ctx: Context) -> None:
    customer = await _customer(ctx)
    conv = await actions.open_conversation(ctx, customer)

    async def broken(event: Event) -> None:
        raise RuntimeError("listener bug")

    ctx.bus.subscribe(broken, Delivery.ONCE)
    view, created = await actions.send_message(ctx, customer, conv.id, "照常发送")
    assert created
    assert view.seq == 1


async def test_unknown_conversation_is_not_found(ctx: Context) -> None:
    customer = await _customer(ctx)
    with pytest.raises(NotFound):
        await actions.send_message(ctx, customer, 999_999, "hello")


async def test_read_markers_only_move_forward(ctx: Context) -> None:
    customer = await _customer(ctx)
    agent = await _agent(ctx)
    conv = await actions.open_conversation(ctx, customer)
    await actions.send_message(ctx, customer, conv.id, "1")
    await actions.send_message(ctx, customer, conv.id, "2")
    await assignment.pick(ctx, agent, conv.id)
    await actions.mark_read(ctx, agent, conv.id, 2)
    await actions.mark_read(ctx, agent, conv.id, 1)
    assert (await queries.get_conversation(ctx, agent, conv.id)).agent_read_seq == 2
    with pytest.raises(InvalidInput):
        await actions.mark_read(ctx, agent, conv.id, -1)
    await actions.mark_read(ctx, agent, conv.id, 99)  # beyond the last message: ignored
    assert (await queries.get_conversation(ctx, agent, conv.id)).agent_read_seq == 2


async def test_unread_counts_for_agents(ctx: Context) -> None:
    customer = await _customer(ctx)
    agent = await _agent(ctx)
    conv = await actions.open_conversation(ctx, customer)
    for text in ("a", "b", "c"):
        await actions.send_message(ctx, customer, conv.id, text)
    waiting = await queries.list_for(ctx, agent, "waiting")
    assert [(w.conversation.id, w.unread, w.preview) for w in waiting] == [(conv.id, 3, "c")]
    await assignment.pick(ctx, agent, conv.id)
    await actions.mark_read(ctx, agent, conv.id, 4)
    mine = await queries.list_for(ctx, agent, "mine")
    assert mine[0].unread == 0
    assert await queries.list_for(ctx, agent, "waiting") == []


async def test_history_paging(ctx: Context) -> None:
    customer = await _customer(ctx)
    conv = await actions.open_conversation(ctx, customer)
    for i in range(1, 8):
        await actions.send_message(ctx, customer, conv.id, str(i))
    latest = await queries.history(ctx, customer, conv.id, limit=3)
    assert [m.seq for m in latest] == [5, 6, 7]
    earlier = await queries.history(ctx, customer, conv.id, before_seq=5, limit=3)
    assert [m.seq for m in earlier] == [2, 3, 4]
    after = await queries.history(ctx, customer, conv.id, after_seq=5)
    assert [m.seq for m in after] == [6, 7]
    with pytest.raises(InvalidInput):
        await queries.history(ctx, customer, conv.id, limit=0)
    with pytest.raises(InvalidInput):
        await queries.history(ctx, customer, conv.id, after_seq=1, before_seq=3)
