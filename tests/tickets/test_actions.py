"""Tickets' writes: numbering, replies and notes on the timeline, status rules, complaints, bulk, 留言."""

from __future__ import annotations

import asyncio

import pytest

from kefu.context import Context
from kefu.errors import Conflict, InvalidInput, NotFound
from kefu.events import Event, TicketAlert, TicketChanged, TicketEventAdded
from kefu.routing import leave
from kefu.storage.repositories import tickets as repo
from kefu.tickets import actions, customer, followups, queries
from kefu.tickets.actions import TicketChanges
from tests.routing.conftest import new_customer
from tests.support import TickingClock
from tests.tickets.conftest import Desk


async def test_numbers_count_per_local_day(desk: Desk, clock: TickingClock) -> None:
    # The clock starts at 2026-03-02 09:00 UTC: 17:00 in Shanghai, the organisation's zone.
    first, second = await desk.ticket(title="一"), await desk.ticket(title="二")
    assert (first.number, second.number) == ("T20260302-0001", "T20260302-0002")
    clock.advance(hours=7)  # 00:00+ on 03-03 in Shanghai, still 03-02 in UTC
    assert (await desk.ticket(title="三")).number == "T20260303-0001"


async def test_concurrent_creation_never_shares_a_number(desk: Desk) -> None:
    made = await asyncio.gather(*(desk.ticket(title=f"并发{i}") for i in range(12)))
    numbers = sorted(t.number for t in made)
    assert numbers == [f"T20260302-{i:04d}" for i in range(1, 13)]


async def test_reply_and_note_are_on_the_timeline_and_only_the_reply_reaches_the_customer(
    ctx: Context, desk: Desk, seen: list[Event]
) -> None:
    ticket = await desk.ticket(title="无法登录", description="登录提示密码错误")
    await actions.reply(ctx, desk.agent, ticket.id, "已为您重置，请重试")
    await actions.note(ctx, desk.agent, ticket.id, "内部：疑似撞库")
    await ctx.bus.drain()
    detail = await queries.get(ctx, desk.agent, ticket.id)
    kinds = [e.kind for e in detail.timeline]
    assert kinds == ["created", "status", "reply", "note"]
    assert detail.ticket.status == "open"
    assert detail.ticket.first_responded_at is not None
    mine = await queries.get(ctx, desk.customer, ticket.id)
    assert [e.kind for e in mine.timeline] == ["created", "status", "reply"]
    assert "内部" not in str(mine.for_customer())
    added = [e for e in seen if isinstance(e, TicketEventAdded)]
    assert [(e.event["kind"], e.internal) for e in added][-2:] == [("reply", False), ("note", True)]
    assert any(isinstance(e, TicketChanged) and e.change == "created" for e in seen)


async def test_changes_record_who_and_before_after(ctx: Context, desk: Desk) -> None:
    ticket = await desk.ticket(type_key="refund", fields={"order_no": "A100"})
    changes = TicketChanges(priority="high", assignee_id=desk.colleague.user_id, fields={"amount": "99.00"})
    view = await actions.update(ctx, desk.agent, ticket.id, changes)
    assert (view.priority, view.assignee_id, view.status) == ("high", desk.colleague.user_id, "open")
    lines = [
        (e.kind, e.data.get("field"), e.data.get("before"), e.data.get("after"), e.actor_id)
        for e in (await queries.get(ctx, desk.agent, ticket.id)).timeline[1:]
    ]
    assert ("field", "priority", "normal", "high", desk.agent.user_id) in lines
    assert ("assignee", "assignee_id", None, desk.colleague.user_id, desk.agent.user_id) in lines
    assert ("field", "fields.amount", None, "99.00", desk.agent.user_id) in lines


async def test_required_fields_and_field_types_are_checked(ctx: Context, desk: Desk) -> None:
    with pytest.raises(InvalidInput) as missing:
        await desk.ticket(type_key="refund", require_fields=True)
    assert missing.value.code == "field_required"
    with pytest.raises(InvalidInput):
        await desk.ticket(type_key="repair", fields={"purchase_date": "去年"})


async def test_a_complaint_reaches_supervisors_needs_a_resolution_and_gets_a_follow_up(
    ctx: Context, desk: Desk, seen: list[Event]
) -> None:
    ticket = await desk.ticket(type_key="complaint", title="快递员态度差", fields={"order_no": "A200"})
    await ctx.bus.drain()
    assert any(isinstance(e, TicketAlert) and e.kind == "complaint" and e.ticket_id == ticket.id for e in seen)
    for target in ("resolved", "closed"):
        with pytest.raises(InvalidInput) as refused:
            await actions.update(ctx, desk.agent, ticket.id, TicketChanges(status=target))
        assert (refused.value.code, refused.value.status) == ("resolution_required", 422)
    done = await actions.update(ctx, desk.agent, ticket.id, TicketChanges(status="resolved", resolution="已道歉并补偿"))
    assert (done.status, done.resolution) == ("resolved", "已道歉并补偿")
    rows = await followups.list_for(ctx, desk.supervisor, due_only=False)
    assert [(r.ticket_id, r.note) for r in rows] == [(ticket.id, "投诉回访")]
    # 2026-03-02 17:00 in Shanghai, office hours Mon–Fri: due the next working morning
    assert rows[0].due_at == "2026-03-03T01:00:00+00:00"


async def test_status_rules_and_reopen_window(ctx: Context, desk: Desk, clock: TickingClock) -> None:
    ticket = await desk.ticket()
    await actions.update(ctx, desk.agent, ticket.id, TicketChanges(status="resolved"))
    reopened = await customer.reopen(ctx, desk.customer, ticket.id, "还是不行")
    assert (reopened.status, reopened.reopened_count) == ("open", 1)
    await actions.update(ctx, desk.agent, ticket.id, TicketChanges(status="resolved"))
    confirmed = await customer.confirm_resolved(ctx, desk.customer, ticket.id)
    assert confirmed.status == "closed"
    clock.advance(days=8)
    with pytest.raises(Conflict) as late:
        await customer.reopen(ctx, desk.customer, ticket.id)
    assert late.value.code == "reopen_expired"


async def test_pending_goes_back_to_open_when_the_customer_answers(ctx: Context, desk: Desk) -> None:
    ticket = await desk.ticket()
    await actions.update(ctx, desk.agent, ticket.id, TicketChanges(status="pending"))
    await customer.add_information(ctx, desk.customer, ticket.id, "型号是 K2")
    assert (await queries.get(ctx, desk.agent, ticket.id)).ticket.status == "open"


async def test_others_cannot_see_or_change_it(ctx: Context, desk: Desk) -> None:
    ticket = await desk.ticket()
    with pytest.raises(NotFound):
        await actions.note(ctx, desk.outsider, ticket.id, "看不到")
    other = await new_customer(ctx)
    with pytest.raises(NotFound):
        await queries.get(ctx, other, ticket.id)


async def test_bulk_assign_and_close_reports_refusals(ctx: Context, desk: Desk) -> None:
    plain = await desk.ticket()
    complaint = await desk.ticket(type_key="complaint")
    result = await actions.bulk(ctx, desk.supervisor, [plain.id, complaint.id], TicketChanges(status="closed"))
    assert result.changed == [plain.id]
    assert result.failed == {complaint.id: "resolution_required"}
    assigned = await actions.bulk(
        ctx, desk.supervisor, [plain.id, complaint.id], TicketChanges(assignee_id=desk.colleague.user_id)
    )
    assert assigned.changed == [plain.id, complaint.id]


async def test_a_left_message_becomes_a_ticket(ctx: Context, desk: Desk) -> None:
    left = await leave.leave(ctx, desk.customer, text="周末能上门维修吗", contact="13800000000", name="张三")
    page = await queries.list_tickets(ctx, desk.supervisor, repo.ListFilter(q="13800000000"))
    assert len(page.tickets) == 1
    found = page.tickets[0]
    assert (found.type_key, found.source, found.fields["leave_message_id"]) == ("other", "leave", str(left.id))
    assert found.title == "周末能上门维修吗"
    assert [m.id for m in await leave.list_for(ctx, desk.customer)] == [left.id]  # the 留言 API still works
    await leave.answer(ctx, desk.supervisor, left.id, "周六可以上门")
    detail = await queries.get(ctx, desk.customer, found.id)
    assert detail.ticket.status == "resolved"
    assert [(e.kind, e.body) for e in detail.timeline if e.kind == "reply"] == [("reply", "周六可以上门")]
    by_source = await queries.list_tickets(ctx, desk.supervisor, repo.ListFilter(source="leave"))
    assert [t.id for t in by_source.tickets] == [found.id]


async def test_list_views_search_and_keyset_pages(ctx: Context, desk: Desk) -> None:
    mine = await desk.ticket(assignee_id=desk.agent.user_id, type_key="refund", fields={"order_no": "ORD-9"})
    theirs = await desk.ticket(assignee_id=desk.colleague.user_id)
    loose = await desk.ticket()
    ids = lambda page: [t.id for t in page.tickets]  # noqa: E731
    assert ids(await queries.list_tickets(ctx, desk.agent, repo.ListFilter(view="mine"))) == [mine.id]
    assert ids(await queries.list_tickets(ctx, desk.agent, repo.ListFilter(view="unassigned"))) == [loose.id]
    group = await queries.list_tickets(ctx, desk.agent, repo.ListFilter(view="group"))
    assert ids(group) == [loose.id, theirs.id, mine.id]
    assert ids(await queries.list_tickets(ctx, desk.outsider, repo.ListFilter())) == []
    assert ids(await queries.list_tickets(ctx, desk.agent, repo.ListFilter(q="ORD-9"))) == [mine.id]
    assert ids(await queries.list_tickets(ctx, desk.agent, repo.ListFilter(q=mine.number.lower()))) == [mine.id]
    assert len(ids(await queries.list_tickets(ctx, desk.agent, repo.ListFilter(q="张")))) == 3
    first = await queries.list_tickets(ctx, desk.agent, repo.ListFilter(limit=2))
    assert ids(first) == [loose.id, theirs.id]
    assert first.next_before == theirs.id
    rest = await queries.list_tickets(ctx, desk.agent, repo.ListFilter(limit=2, before=first.next_before))
    assert ids(rest) == [mine.id]
    assert rest.next_before is None
    with pytest.raises(InvalidInput):
        await queries.list_tickets(ctx, desk.agent, repo.ListFilter(view="everything"))
