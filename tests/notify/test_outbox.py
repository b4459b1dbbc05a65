"""The outbox: written with the change, sent after commit by the worker, retried with backoff, resumed
after a restart, at most once with two workers; only verified addresses, nothing after opting out."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from sqlalchemy import select

from kefu.context import Context
from kefu.notify import actions, outbox
from kefu.notify.kinds import Kind
from kefu.notify.senders import Outgoing
from kefu.notify.tickets import enqueue_ticket_notification
from kefu.notify.worker import NotifyWorker, Senders, senders_from_settings
from kefu.routing import leave
from kefu.storage.tables import Customer, Notification
from tests.notify.conftest import Inbox, customer_with
from tests.routing.conftest import new_agent
from tests.support import TickingClock

TICKET = {
    "id": 1,
    "number": "T20261202-0001",
    "type_key": "repair",
    "title": "洗衣机不脱水",
    "status": "new",
    "priority": "normal",
    "customer_id": None,
    "source": "console",
}


def worker(ctx: Context) -> NotifyWorker:
    import httpx

    return NotifyWorker(ctx, senders_from_settings(ctx, httpx.AsyncClient()))


async def rows(ctx: Context) -> list[Notification]:
    async with ctx.uow() as uow:
        return list((await uow.session.execute(select(Notification).order_by(Notification.id))).scalars().all())


async def test_a_leave_message_answer_is_emailed_with_an_unsubscribe_link(ctx: Context, inbox: Inbox) -> None:
    customer = await customer_with(ctx, email="wang@example.com", email_verified=True, name="王女士")
    left = await leave.leave(ctx, customer, text="发票怎么开？", contact="wang@example.com")
    agent = await new_agent(ctx, (), online=False, name="小周")
    await leave.answer(ctx, agent, left.id, "在订单详情页点“申请发票”即可。")
    [row] = await rows(ctx)
    assert (row.kind, row.channel, row.status, row.ref) == ("leave_answered", "email", "pending", f"leave:{left.id}")

    report = await worker(ctx).run_once()
    assert report.sent == [row.id]
    [mail] = inbox.wait_for(1)
    assert mail["To"] == "wang@example.com"
    assert mail["Subject"] == "您的留言有了回复"
    body = mail.get_content()
    assert "王女士，您好" in body
    assert "小周" in body
    assert "发票怎么开？" in body
    assert "申请发票" in body
    assert "https://kefu.example.com/widget" in body
    unsubscribe = mail["List-Unsubscribe"].strip("<>")
    assert unsubscribe in body
    [sent] = await rows(ctx)
    assert (sent.status, sent.attempts, sent.sent_at is not None, sent.last_error) == ("sent", 1, True, None)

    # The link opts the customer out: the next answer is not sent anywhere.
    token = parse_qs(urlparse(unsubscribe).query)["token"][0]
    assert await actions.unsubscribe(ctx, token + "x") is False
    assert await actions.unsubscribe(ctx, token) is True
    again = await leave.leave(ctx, customer, text="还有一个问题", contact="wang@example.com")
    await leave.answer(ctx, agent, again.id, "好的")
    assert len(await rows(ctx)) == 1


async def test_a_rolled_back_change_sends_nothing(ctx: Context, inbox: Inbox) -> None:
    customer = await customer_with(ctx, email="li@example.com", email_verified=True)
    async with ctx.uow() as uow:
        ids = await enqueue_ticket_notification(uow, ctx, {**TICKET, "customer_id": customer.customer_id}, "created")
        assert len(ids) == 1
        await uow.rollback()
    assert await rows(ctx) == []
    assert (await worker(ctx).run_once()).handled == 0
    assert inbox.messages == []


async def test_pending_rows_are_sent_after_a_restart(ctx: Context, inbox: Inbox) -> None:
    customer = await customer_with(ctx, email="zhao@example.com", email_verified=True)
    ticket = {**TICKET, "customer_id": customer.customer_id}
    async with ctx.uow() as uow:
        await enqueue_ticket_notification(uow, ctx, ticket, "created")
        await enqueue_ticket_notification(uow, ctx, ticket, "replied", reply="师傅明天上午上门")
        await uow.commit()
    # Nobody was running when they were written (the node stopped); a new worker finds them in the table.
    assert len((await worker(ctx).run_once()).sent) == 2
    subjects = sorted(str(m["Subject"]) for m in inbox.wait_for(2))
    assert subjects == ["工单 T20261202-0001 已创建", "工单 T20261202-0001 有新回复"]
    replied = next(m for m in inbox.messages if "新回复" in str(m["Subject"]))
    content = replied.get_content()
    assert "师傅明天上午上门" in content
    assert "https://kefu.example.com/widget?ticket=T20261202-0001" in content


async def test_a_claim_lapsed_by_a_crash_is_taken_again(ctx: Context, clock: TickingClock, inbox: Inbox) -> None:
    customer = await customer_with(ctx, email="sun@example.com", email_verified=True)
    async with ctx.uow() as uow:
        await enqueue_ticket_notification(uow, ctx, {**TICKET, "customer_id": customer.customer_id}, "resolved")
        await uow.commit()
    crashed = NotifyWorker(ctx, Senders(), lease_seconds=60)
    claimed = await crashed._claim()  # claimed, then the node died before sending
    assert len(claimed) == 1
    assert (await worker(ctx).run_once()).handled == 0  # still leased
    clock.advance(seconds=61)
    assert len((await worker(ctx).run_once()).sent) == 1
    assert inbox.wait_for(1)[0]["Subject"] == "工单 T20261202-0001 已解决"


async def test_smtp_failures_are_retried_with_backoff_then_sent(
    ctx: Context, clock: TickingClock, inbox: Inbox
) -> None:
    customer = await customer_with(ctx, email="qian@example.com", email_verified=True, name="钱先生")
    async with ctx.uow() as uow:
        await enqueue_ticket_notification(uow, ctx, {**TICKET, "customer_id": customer.customer_id}, "pending")
        await uow.commit()
    inbox.refuse = 2
    sender = worker(ctx)

    first = await sender.run_once()
    assert len(first.retrying) == 1
    [row] = await rows(ctx)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error is not None
    assert "451" in row.last_error
    assert row.next_attempt_at - clock.now() > timedelta(seconds=29)
    assert (await sender.run_once()).handled == 0  # not due yet

    clock.advance(seconds=31)
    assert len((await sender.run_once()).retrying) == 1
    [row] = await rows(ctx)
    assert row.attempts == 2
    assert row.next_attempt_at - clock.now() > timedelta(seconds=59)  # doubled

    clock.advance(seconds=61)
    assert len((await sender.run_once()).sent) == 1
    [row] = await rows(ctx)
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, None)
    assert inbox.wait_for(1)[0]["Subject"] == "工单 T20261202-0001 等待您的回复"


async def test_a_permanent_refusal_fails_at_once(ctx: Context, inbox: Inbox) -> None:
    customer = await customer_with(ctx, email="nobody@example.com", email_verified=True)
    async with ctx.uow() as uow:
        await enqueue_ticket_notification(uow, ctx, {**TICKET, "customer_id": customer.customer_id}, "created")
        await uow.commit()
    inbox.refuse, inbox.reply = 1, "550 5.1.1 No such user"
    assert len((await worker(ctx).run_once()).failed) == 1
    [row] = await rows(ctx)
    assert row.status == "failed"
    assert row.last_error is not None
    assert "550" in row.last_error


async def test_nothing_goes_to_an_unverified_address_or_after_opting_out(ctx: Context, inbox: Inbox) -> None:
    unverified = await customer_with(ctx, email="a@example.com", phone="13800138000")
    opted_out = await customer_with(ctx, email="b@example.com", email_verified=True, opt_out=True)
    nothing = await customer_with(ctx)
    async with ctx.uow() as uow:
        for who in (unverified, opted_out, nothing):
            assert (
                await enqueue_ticket_notification(uow, ctx, {**TICKET, "customer_id": who.customer_id}, "created") == []
            )
        await uow.commit()
    assert await rows(ctx) == []


async def test_an_address_left_with_a_message_is_confirmed_by_link_before_use(ctx: Context, inbox: Inbox) -> None:
    customer = await customer_with(ctx, name="周先生")
    left = await leave.leave(ctx, customer, text="耳机没声音", contact=" Zhou@Example.COM ")
    # Only the confirmation goes to the new, unverified address.
    await worker(ctx).run_once()
    [confirm] = inbox.wait_for(1)
    assert confirm["Subject"] == "请确认您的邮箱地址"
    link = next(word for word in confirm.get_content().split() if "/notify/verify?" in word)
    agent = await new_agent(ctx, (), online=False)
    await leave.answer(ctx, agent, left.id, "请先重启耳机")
    assert [r.kind for r in await rows(ctx)] == ["verify_email"]  # not verified yet: no answer by e-mail

    token = parse_qs(urlparse(link).query)["token"][0]
    assert await actions.verify_email(ctx, token) == "Zhou@example.com"
    async with ctx.uow() as uow:
        row = await uow.session.get(Customer, customer.customer_id)
        assert row is not None
        assert row.email_verified
    second = await leave.leave(ctx, customer, text="还是没声音", contact="Zhou@example.com")
    await leave.answer(ctx, agent, second.id, "请寄回检测")
    await worker(ctx).run_once()
    assert inbox.wait_for(2)[1]["Subject"] == "您的留言有了回复"


async def test_the_customers_language_is_used(ctx: Context, inbox: Inbox) -> None:
    customer = await customer_with(ctx, email="amy@example.com", email_verified=True, name="Amy")
    ticket = {**TICKET, "customer_id": customer.customer_id, "title": "Washer will not spin"}
    async with ctx.uow() as uow:
        await outbox.enqueue(
            uow, ctx, customer_id=customer.customer_id, kind=Kind.TICKET_RESOLVED, locale="en",
            params={"number": ticket["number"], "title": ticket["title"], "link": "https://x"},
        )  # fmt: skip
        await uow.commit()
    await worker(ctx).run_once()
    [mail] = inbox.wait_for(1)
    assert mail["Subject"] == "Ticket T20261202-0001 resolved"
    assert mail.get_content().startswith("Hello Amy,")


class Counting:
    """A sender that records each send and yields to the other worker in between."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    async def send(self, message: Outgoing) -> None:
        await asyncio.sleep(0)
        self.sent.append(message.id)


async def test_two_workers_send_each_row_at_most_once(ctx: Context) -> None:
    customer = await customer_with(ctx, email="many@example.com", email_verified=True)
    async with ctx.uow() as uow:
        for n in range(30):
            await enqueue_ticket_notification(
                uow, ctx, {**TICKET, "number": f"T20261202-{n:04d}", "customer_id": customer.customer_id}, "created"
            )
        await uow.commit()
    counting = Counting()
    one = NotifyWorker(ctx, Senders(email=counting), batch=4)
    two = NotifyWorker(ctx, Senders(email=counting), batch=4)
    first, second = await asyncio.gather(one.run_once(), two.run_once())
    assert sorted(counting.sent) == sorted(set(counting.sent))
    assert len(counting.sent) == 30 == len(first.sent) + len(second.sent)
    assert {r.status for r in await rows(ctx)} == {"sent"}
