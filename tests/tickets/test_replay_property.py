"""Property: whatever agents and customers do to a ticket, its append-only history (ticket_events)
replays to its current state — status, assignee, group, priority, type, title, fields, resolution and
the number of reopens. Refused actions (a bad transition, a complaint without a note) leave no line."""

from __future__ import annotations

import contextlib
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kefu.context import Context
from kefu.errors import KefuError
from kefu.storage.repositories import tickets as repo
from kefu.tickets import actions, customer
from kefu.tickets.actions import NewTicket, TicketChanges
from kefu.tickets.replay import replay
from kefu.tickets.views import EventView
from tests.tickets.conftest import Desk

STATUSES = st.sampled_from(["new", "open", "pending", "resolved", "closed"])
ACTION = st.one_of(
    st.tuples(st.just("status"), STATUSES, st.sampled_from(["", "已处理"])),
    st.tuples(st.just("priority"), st.sampled_from(["low", "normal", "high", "urgent"]), st.just("")),
    st.tuples(st.just("assign"), st.sampled_from(["agent", "colleague", "none"]), st.just("")),
    st.tuples(st.just("group"), st.sampled_from(["desk", "none"]), st.just("")),
    st.tuples(st.just("type"), st.sampled_from(["consult", "complaint", "repair", "other"]), st.just("")),
    st.tuples(st.just("field"), st.sampled_from(["model", "serial", "order_no"]), st.sampled_from(["", "K2", "A1"])),
    st.tuples(st.just("title"), st.sampled_from(["屏幕坏了", "退款", "投诉"]), st.just("")),
    st.tuples(st.just("reply"), st.just(""), st.just("")),
    st.tuples(st.just("note"), st.just(""), st.just("")),
    st.tuples(st.just("customer"), st.sampled_from(["info", "confirm", "reopen"]), st.just("")),
)


async def _do(ctx: Context, desk: Desk, ticket_id: int, action: tuple[str, str, str]) -> None:
    kind, value, extra = action
    users = {"agent": desk.agent.user_id, "colleague": desk.colleague.user_id, "none": None}
    changes = {
        "status": lambda: TicketChanges(status=value, resolution=extra),
        "priority": lambda: TicketChanges(priority=value),
        "assign": lambda: TicketChanges(assignee_id=users[value]),
        "group": lambda: TicketChanges(skill_group_id=desk.group if value == "desk" else None),
        "type": lambda: TicketChanges(type_key=value),
        "field": lambda: TicketChanges(fields={value: extra or None}),
        "title": lambda: TicketChanges(title=value),
    }
    if kind in changes:
        await actions.update(ctx, desk.supervisor, ticket_id, changes[kind]())
    elif kind == "reply":
        await actions.reply(ctx, desk.supervisor, ticket_id, "答复")
    elif kind == "note":
        await actions.note(ctx, desk.supervisor, ticket_id, "备注")
    elif value == "info":
        await customer.add_information(ctx, desk.customer, ticket_id, "补充")
    elif value == "confirm":
        await customer.confirm_resolved(ctx, desk.customer, ticket_id)
    else:
        await customer.reopen(ctx, desk.customer, ticket_id)


@settings(
    max_examples=30,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(ACTION, min_size=1, max_size=14))
async def test_history_replays_to_the_current_state(
    ctx: Context, desk: Desk, steps: list[tuple[str, str, str]]
) -> None:
    new = NewTicket(customer_id=desk.customer.customer_id, title="起点", skill_group_id=desk.group)
    ticket_id = (await actions.create(ctx, desk.agent, new)).id
    for step in steps:
        with contextlib.suppress(KefuError):  # refused: nothing was written
            await _do(ctx, desk, ticket_id, step)
    async with ctx.uow() as uow:
        row = await repo.get(uow.session, ticket_id)
        lines = [EventView.of(e) for e in await repo.events(uow.session, ticket_id)]
    assert row is not None
    state = replay(lines)
    assert state == {
        "status": row.status,
        "priority": row.priority,
        "type_key": row.type_key,
        "title": row.title,
        "assignee_id": row.assignee_id,
        "skill_group_id": row.skill_group_id,
        "resolution": row.resolution,
        "fields": json.loads(row.fields),
        "reopened_count": row.reopened_count,
    }
    assert [e.id for e in lines] == sorted(e.id for e in lines)
