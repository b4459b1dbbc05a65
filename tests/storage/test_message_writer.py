"""The message writer: batched sends numbered in order, each stored once, refusals write nothing,
and overload answers a retryable error instead of dropping anything."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from kefu.bootstrap import open_context
from kefu.channels import web as web_channel
from kefu.config import Settings
from kefu.context import Context
from kefu.conversations import actions, queries
from kefu.demo import seed_demo
from kefu.errors import Conflict, NotFound, Overloaded, PermissionDenied
from kefu.routing import assignment
from kefu.security.auth import sign_in
from kefu.security.principals import CustomerPrincipal
from kefu.storage.repositories import conversations as conversation_repo
from tests.support import ADMIN, AGENT1, AGENT2, TickingClock


async def _customer(ctx: Context, name: str) -> CustomerPrincipal:
    return (await web_channel.open_visitor(ctx, None, name)).principal


async def test_concurrent_sends_to_many_conversations_are_numbered_in_order_once(ctx: Context) -> None:
    customers = [await _customer(ctx, f"客户{i}") for i in range(3)]
    convs = [await actions.open_conversation(ctx, c) for c in customers]
    sends = [
        actions.send_message(ctx, customers[i % 3], convs[i % 3].id, f"m{i}", client_msg_id=f"c{i}") for i in range(60)
    ]
    results = await asyncio.gather(*sends)
    assert all(created for _, created in results)
    for customer, conv in zip(customers, convs, strict=True):
        history = await queries.history(ctx, customer, conv.id)
        assert [m.seq for m in history] == list(range(1, 21))
        assert len({m.client_msg_id for m in history}) == 20
    # Within a conversation, a later send (in the order they were queued) gets a later number.
    seq_of = {view.client_msg_id: view.seq for view, _ in results}
    assert [seq_of[f"c{i}"] for i in range(0, 60, 3)] == list(range(1, 21))


async def test_the_same_client_msg_id_twice_in_one_batch_is_stored_once(ctx: Context) -> None:
    customer = await _customer(ctx, "张三")
    conv = await actions.open_conversation(ctx, customer)
    results = await asyncio.gather(
        *(actions.send_message(ctx, customer, conv.id, "同一条", client_msg_id="same") for _ in range(5))
    )
    assert sorted(created for _, created in results) == [False] * 4 + [True]
    assert len({view.id for view, _ in results}) == 1
    assert [m.seq for m in await queries.history(ctx, customer, conv.id)] == [1]


async def test_a_refused_send_writes_nothing_and_resends_still_get_the_original(ctx: Context) -> None:
    customer = await _customer(ctx, "张三")
    conv = await actions.open_conversation(ctx, customer)
    first, _ = await actions.send_message(ctx, customer, conv.id, "在吗", client_msg_id="k1")
    other = (await sign_in(ctx, *AGENT2)).principal
    supervisor = (await sign_in(ctx, *ADMIN)).principal
    agent = (await sign_in(ctx, *AGENT1)).principal
    await assignment.pick(ctx, agent, conv.id)
    async with ctx.uow() as uow:
        row = await conversation_repo.get(uow.session, conv.id)
        assert row is not None
        before = row.last_seq
    with pytest.raises(NotFound):  # not theirs to see
        await actions.send_message(ctx, other, conv.id, "不是我的会话")
    with pytest.raises(PermissionDenied):  # theirs to see, not to answer before taking it
        await actions.send_message(ctx, supervisor, conv.id, "我来插一句")
    async with ctx.uow() as uow:
        row = await conversation_repo.get(uow.session, conv.id)
        assert row is not None
        assert row.last_seq == before
    await actions.close(ctx, customer, conv.id)
    again, created = await actions.send_message(ctx, customer, conv.id, "在吗", client_msg_id="k1")
    assert (again.id, created) == (first.id, False)
    with pytest.raises(Conflict):
        await actions.send_message(ctx, customer, conv.id, "关了还发", client_msg_id="k2")


async def test_an_agents_reply_records_the_first_response_once(ctx: Context) -> None:
    customer = await _customer(ctx, "张三")
    conv = await actions.open_conversation(ctx, customer)
    agent = (await sign_in(ctx, *AGENT1)).principal
    await assignment.pick(ctx, agent, conv.id)
    await actions.send_message(ctx, customer, conv.id, "在吗")
    first, _ = await actions.send_message(ctx, agent, conv.id, "您好")
    await actions.send_message(ctx, agent, conv.id, "请讲")
    async with ctx.uow() as uow:
        row = await conversation_repo.get(uow.session, conv.id)
        assert row is not None
        assert row.first_response_at is not None
        assert row.first_response_at.isoformat() == first.created_at
        assert row.last_seq == first.seq + 1


@pytest.fixture
async def tight_ctx(settings: Settings, clock: TickingClock) -> AsyncIterator[Context]:
    """A node whose writer takes one send at a time and lets none wait: every collision is overload."""
    tight = settings.model_copy(update={"message_max_in_flight": 1, "message_wait_seconds": 0.0})
    async with open_context(tight, clock) as context:
        await seed_demo(context)
        yield context


async def test_overload_is_a_retryable_answer_and_retries_store_everything_once(tight_ctx: Context) -> None:
    ctx = tight_ctx
    customers = [await _customer(ctx, f"客户{i}") for i in range(4)]
    convs = [await actions.open_conversation(ctx, c) for c in customers]
    pending = {f"m{i}": i for i in range(40)}
    overloaded = 0
    for _ in range(200):  # bounded: each round stores at least one message
        if not pending:
            break
        keys = list(pending)
        outcomes = await asyncio.gather(
            *(
                actions.send_message(ctx, customers[pending[k] % 4], convs[pending[k] % 4].id, k, client_msg_id=k)
                for k in keys
            ),
            return_exceptions=True,
        )
        for key, outcome in zip(keys, outcomes, strict=True):
            if isinstance(outcome, Overloaded):
                overloaded += 1
                continue
            assert not isinstance(outcome, BaseException), outcome
            del pending[key]
    assert not pending
    assert overloaded > 0  # the tight writer did push back
    stored = []
    for customer, conv in zip(customers, convs, strict=True):
        history = await queries.history(ctx, customer, conv.id)
        assert [m.seq for m in history] == list(range(1, len(history) + 1))
        stored += [m.text for m in history]
    assert sorted(stored) == sorted(f"m{i}" for i in range(40))
