"""Leave-a-message (留言): when nobody can serve the customer, they leave text and contact details.

Each 留言 also opens a ticket (``kefu.tickets``, type 其他, source ``leave``); the record here stays
small and keeps serving the 留言 API: status ``open`` → ``assigned`` →
``answered``. An answer goes back by the channel the customer used: straight into their open
conversation on that channel if there is one, otherwise it waits and is delivered into the next
conversation they open there (and is always listed for them by ``GET /routing/visitor/messages``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select

from kefu.context import Context
from kefu.conversations import lifecycle
from kefu.conversations.status import WAITING_STATUSES, CloseReason
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kefu.notify import actions as notify_actions
from kefu.notify import links, outbox
from kefu.notify.kinds import Kind
from kefu.routing import notices
from kefu.security.access import load_visible, require_agent
from kefu.security.principals import AgentPrincipal, CustomerPrincipal, Principal
from kefu.storage.repositories import conversations as conversation_repo
from kefu.storage.repositories import users as user_repo
from kefu.storage.tables import LeaveMessage
from kefu.storage.uow import UnitOfWork
from kefu.tickets import sources as ticket_sources

MAX_TEXT = 2000
MAX_CONTACT = 200
MAX_NAME = 100
LEAVE_STATUSES = ("open", "assigned", "answered")


@dataclass(frozen=True, slots=True)
class LeaveMessageView:
    """A left message as agents and its customer see it."""

    id: int
    customer_id: int
    conversation_id: int | None
    channel: str
    skill_group_id: int | None
    name: str
    contact: str
    text: str
    status: str
    assignee_id: int | None
    answer: str | None
    answered_at: str | None
    delivered: bool
    created_at: str

    @classmethod
    def of(cls, row: LeaveMessage) -> LeaveMessageView:
        """From a stored row."""
        return cls(
            row.id,
            row.customer_id,
            row.conversation_id,
            row.channel,
            row.skill_group_id,
            row.name,
            row.contact,
            row.text,
            row.status,
            row.assignee_id,
            row.answer,
            row.answered_at.isoformat() if row.answered_at else None,
            row.delivered_at is not None,
            row.created_at.isoformat(),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {field: getattr(self, field) for field in self.__slots__}


def _check(text: str, contact: str, name: str) -> tuple[str, str, str]:
    text, contact, name = text.strip(), contact.strip(), name.strip()
    if not text:
        raise InvalidInput("message is empty", code="message_empty")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"message is longer than {MAX_TEXT} characters", code="message_too_long")
    if not contact or len(contact) > MAX_CONTACT:
        raise InvalidInput(f"contact details are required (at most {MAX_CONTACT} characters)", code="bad_contact")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"name is longer than {MAX_NAME} characters", code="name_too_long")
    return text, contact, name


async def leave(
    ctx: Context,
    customer: CustomerPrincipal,
    *,
    text: str,
    contact: str,
    name: str = "",
    conversation_id: int | None = None,
) -> LeaveMessageView:
    """Store the customer's message; the waiting conversation (if given) ends with a confirmation."""
    text, contact, name = _check(text, contact, name)
    group_id = None
    closed = None
    async with ctx.uow() as uow:
        now = ctx.clock.now()
        if conversation_id is not None:
            conversation = await load_visible(uow.session, customer, conversation_id)
            group_id = conversation.skill_group_id
            closed = await lifecycle.close(
                uow, ctx, conversation_id, CloseReason.LEFT_MESSAGE, from_statuses=WAITING_STATUSES
            )
            if closed is not None:
                await notices.say(uow, ctx, conversation_id, "leave.received", contact=contact)
        row = LeaveMessage(
            customer_id=customer.customer_id,
            conversation_id=conversation_id,
            channel=customer.channel,
            skill_group_id=group_id,
            name=name or customer.display_name,
            contact=contact,
            text=text,
            status="open",
            created_at=now,
        )
        uow.session.add(row)
        await uow.session.flush()
        # Every 留言 is also a ticket (type 其他, source leave), created in the same transaction; the
        # 留言 API keeps working on its own row (docs/tickets.md, "The 留言 form").
        await ticket_sources.from_leave(
            uow,
            ctx,
            customer_id=row.customer_id,
            conversation_id=conversation_id,
            skill_group_id=group_id,
            name=row.name,
            contact=contact,
            text=text,
            leave_message_id=row.id,
        )
        # The contact becomes the customer's (unverified) address; a new e-mail address gets the link
        # that confirms it, so the answer can be e-mailed (kefu.notify).
        await notify_actions.remember_contact(uow, ctx, customer.customer_id, contact)
        view = LeaveMessageView.of(row)
        await uow.commit()
    return view


def _visible_clause(agent: AgentPrincipal) -> Any:
    return or_(
        LeaveMessage.assignee_id == agent.user_id,
        LeaveMessage.skill_group_id.is_(None),
        LeaveMessage.skill_group_id.in_(sorted(agent.group_ids)),
    )


async def list_for(ctx: Context, principal: Principal, status: str | None = None) -> list[LeaveMessageView]:
    """Agents: messages of their groups (or none) and those assigned to them; supervisors: all.
    Customers: their own, with answers."""
    if status is not None and status not in LEAVE_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(LEAVE_STATUSES)}", code="bad_status")
    query = select(LeaveMessage).order_by(LeaveMessage.id.desc()).limit(200)
    if isinstance(principal, CustomerPrincipal):
        query = query.where(LeaveMessage.customer_id == principal.customer_id)
    elif not principal.sees_everything:
        query = query.where(_visible_clause(principal))
    if status is not None:
        query = query.where(LeaveMessage.status == status)
    async with ctx.uow() as uow:
        return [LeaveMessageView.of(r) for r in (await uow.session.execute(query)).scalars().all()]


async def _load(uow: UnitOfWork, agent: AgentPrincipal, message_id: int) -> LeaveMessage:
    row = await uow.session.get(LeaveMessage, message_id, populate_existing=True, with_for_update=True)
    visible = row is not None and (
        agent.sees_everything
        or row.assignee_id == agent.user_id
        or row.skill_group_id is None
        or row.skill_group_id in agent.group_ids
    )
    if row is None or not visible:
        raise NotFound("message not found", code="leave_message_not_found")
    return row


async def assign(
    ctx: Context, principal: Principal, message_id: int, assignee_id: int | None = None
) -> LeaveMessageView:
    """Give the message to an agent (yourself by default; supervisors may give it to anyone)."""
    agent = require_agent(principal)
    target = assignee_id if assignee_id is not None else agent.user_id
    if target != agent.user_id and not agent.sees_everything:
        raise PermissionDenied("only supervisors assign messages to others")
    async with ctx.uow() as uow:
        row = await _load(uow, agent, message_id)
        if row.status == "answered":
            raise Conflict("message is already answered", code="already_answered")
        if await user_repo.get_user(uow.session, target) is None:
            raise NotFound("agent not found", code="agent_not_found")
        row.assignee_id = target
        row.status = "assigned"
        view = LeaveMessageView.of(row)
        await uow.commit()
    return view


async def answer(ctx: Context, principal: Principal, message_id: int, text: str) -> LeaveMessageView:
    """Answer a message: delivered into the customer's open conversation on that channel, or kept for later."""
    agent = require_agent(principal)
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise InvalidInput(f"answer must be 1–{MAX_TEXT} characters", code="bad_answer")
    async with ctx.uow() as uow:
        row = await _load(uow, agent, message_id)
        if row.status == "answered":
            raise Conflict("message is already answered", code="already_answered")
        if row.assignee_id not in (None, agent.user_id) and not agent.sees_everything:
            raise PermissionDenied("the message is assigned to someone else", code="not_assignee")
        now = ctx.clock.now()
        row.answer, row.answered_by_id, row.answered_at = text, agent.user_id, now
        row.status, row.assignee_id = "answered", row.assignee_id or agent.user_id
        await _deliver(uow, ctx, row, agent.display_name)
        await ticket_sources.leave_answered(
            uow, ctx, customer_id=row.customer_id, leave_message_id=row.id, agent_id=agent.user_id, answer=text
        )
        await _notify(uow, ctx, row, agent.display_name)
        view = LeaveMessageView.of(row)
        await uow.commit()
    return view


async def _deliver(uow: UnitOfWork, ctx: Context, row: LeaveMessage, by: str) -> None:
    if row.answer is None or row.delivered_at is not None:
        return
    conversation = await conversation_repo.find_open(uow.session, row.customer_id, row.channel)
    if conversation is None:
        return
    # How the answer reads in the customer's conversation: who answered, which message, the answer.
    await notices.say(uow, ctx, conversation.id, "leave.answered", agent=by, question=row.text[:40], answer=row.answer)
    row.delivered_at = ctx.clock.now()


async def _notify(uow: UnitOfWork, ctx: Context, row: LeaveMessage, by: str) -> None:
    """Also tell the customer outside the chat (their verified e-mail / phone), in this transaction."""
    locale = None
    if row.conversation_id is not None:
        conversation = await conversation_repo.get(uow.session, row.conversation_id)
        locale = conversation.locale if conversation is not None else None
    params = {"agent": by, "question": row.text[:40], "answer": row.answer or "", "link": links.chat(ctx.settings)}
    await outbox.enqueue(
        uow,
        ctx,
        customer_id=row.customer_id,
        kind=Kind.LEAVE_ANSWERED,
        params=params,
        ref=f"leave:{row.id}",
        locale=locale,
    )


async def deliver_pending(ctx: Context, customer_id: int, channel: str) -> int:
    """Deliver answers that waited for the customer to come back on this channel; how many."""
    async with ctx.uow() as uow:
        query = select(LeaveMessage).where(
            LeaveMessage.customer_id == customer_id,
            LeaveMessage.channel == channel,
            LeaveMessage.status == "answered",
            LeaveMessage.delivered_at.is_(None),
        )
        rows = (await uow.session.execute(query.with_for_update())).scalars().all()
        for row in rows:
            by = await user_repo.get_user(uow.session, row.answered_by_id) if row.answered_by_id else None
            await _deliver(uow, ctx, row, by.display_name if by is not None else "")
        if rows:
            await uow.commit()
        return len(rows)


def require_customer(principal: Principal) -> CustomerPrincipal:
    """The caller as a customer (messages are left by customers)."""
    if not isinstance(principal, CustomerPrincipal):
        raise PermissionDenied("only customers leave messages")
    return principal
