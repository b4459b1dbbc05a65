"""Conversation actions: open, send, take, close, mark read, typing. Each is one transaction.

Handlers in ``web/`` validate input and call these; these write and emit events after commit.
"""

from __future__ import annotations

import json
import re
from datetime import UTC
from functools import partial
from typing import Any

from kefu.context import Context
from kefu.conversations.views import IMAGE_TYPES, AttachmentView, ConversationView, MessageView
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kefu.events import ConversationChanged, ConversationRead, MessageCreated, Typing
from kefu.security.access import in_agent_scope, load_visible, require_agent
from kefu.security.principals import AgentPrincipal, CustomerPrincipal, Principal
from kefu.storage.message_writer import NewAttachment, NewMessage, Scope, StoredMessage, Written
from kefu.storage.repositories import conversations as conversation_repo
from kefu.storage.repositories import messages as message_repo
from kefu.storage.tables import Attachment, Conversation, Message
from kefu.storage.uow import UnitOfWork

OPEN_STATUSES = ("bot", "queued", "assigned")
CLIENT_MSG_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def check_text(ctx: Context, text: str, *, allow_empty: bool = False) -> str:
    """Validate message text: not blank (unless an attachment carries the message) and not too long."""
    if len(text) > ctx.settings.max_message_chars:
        raise InvalidInput(
            f"message is longer than {ctx.settings.max_message_chars} characters", code="message_too_long"
        )
    if not text.strip() and not allow_empty:
        raise InvalidInput("message is empty", code="message_empty")
    return text


def check_client_msg_id(client_msg_id: str | None) -> str | None:
    """Validate the client's idempotency key (letters, digits and ``_.:-``, at most 64)."""
    if client_msg_id is not None and not CLIENT_MSG_ID.match(client_msg_id):
        raise InvalidInput("client_msg_id must be 1–64 characters of A-Z a-z 0-9 _ . : -", code="bad_client_msg_id")
    return client_msg_id


async def open_conversation(ctx: Context, customer: CustomerPrincipal) -> ConversationView:
    """The customer's open conversation on their channel, created if there is none.

    A new conversation starts with the bot when it is enabled, otherwise straight in the queue.
    """
    async with ctx.uow() as uow:
        await conversation_repo.lock_customer(uow.session, customer.customer_id)
        existing = await conversation_repo.find_open(uow.session, customer.customer_id, customer.channel)
        if existing is not None:
            return ConversationView.of(existing)
        now = ctx.clock.now()
        row = Conversation(
            customer_id=customer.customer_id,
            channel=customer.channel,
            status="bot" if ctx.settings.bot_enabled else "queued",
            last_seq=0,
            agent_read_seq=0,
            customer_read_seq=0,
            created_at=now,
            updated_at=now,
            queued_at=None if ctx.settings.bot_enabled else now,
        )
        uow.session.add(row)
        await uow.session.flush()
        await uow.session.refresh(row)
        view = ConversationView.of(row)
        uow.emit(ConversationChanged(view, "created"))
        await uow.commit()
        return view


async def append_message(
    uow: UnitOfWork,
    ctx: Context,
    conversation_id: int,
    *,
    sender_kind: str,
    text: str,
    sender_user_id: int | None = None,
    client_msg_id: str | None = None,
    attachment: Attachment | None = None,
    meta: dict[str, Any] | None = None,
) -> MessageView:
    """Number and store a message in the open transaction; the event leaves at commit.

    Other domain packages (bot, routing) use this to add bot and system messages to a conversation.
    """
    now = ctx.clock.now()
    seq = await conversation_repo.next_seq(uow.session, conversation_id, now)
    row = Message(
        conversation_id=conversation_id,
        seq=seq,
        sender_kind=sender_kind,
        sender_user_id=sender_user_id,
        text=text,
        client_msg_id=client_msg_id,
        attachment_id=attachment.id if attachment is not None else None,
        meta=json.dumps(meta, ensure_ascii=False) if meta is not None else None,
        created_at=now,
    )
    uow.session.add(row)
    await uow.session.flush()
    stored = await message_repo.get_message(uow.session, row.id)
    assert stored is not None
    view = MessageView.of(stored)
    uow.emit(MessageCreated(view))
    return view


async def _reloaded(uow: UnitOfWork, conversation_id: int) -> ConversationView:
    """The conversation as it is now inside the transaction (after guarded updates)."""
    row = await conversation_repo.get(uow.session, conversation_id)
    assert row is not None
    return ConversationView.of(row)


def may_write(principal: Principal, scope: Scope) -> bool:
    """Whether ``principal`` may add a message now: the conversation is open, and it is the customer's
    own or assigned to the agent (supervisors take a conversation before replying).

    Pure, because the message writer runs it inside its transaction with the scope it just read."""
    if scope.status == "closed":
        return False
    if isinstance(principal, AgentPrincipal):
        return scope.assignee_id == principal.user_id
    return isinstance(principal, CustomerPrincipal) and scope.customer_id == principal.customer_id


def message_view(message: StoredMessage) -> MessageView:
    """The view of a message the writer stored (or found)."""
    attachment = None
    if message.attachment is not None:
        a = message.attachment
        attachment = AttachmentView(a.id, a.filename, a.content_type, a.size, a.content_type in IMAGE_TYPES)
    return MessageView(
        id=message.id,
        conversation_id=message.conversation_id,
        seq=message.seq,
        sender_kind=message.sender_kind,
        sender_name=message.sender_name,
        text=message.text,
        attachment=attachment,
        client_msg_id=message.client_msg_id,
        created_at=message.created_at.astimezone(UTC).isoformat(),
        meta=json.loads(message.meta) if message.meta else None,
    )


async def _refusal(ctx: Context, principal: Principal, written: Written) -> MessageView:
    """Why the writer refused a send (the cold path, free to query): NotFound unless the caller may see
    the conversation; then a repeated ``client_msg_id`` is still answered with its original; otherwise
    closed or not the caller's to answer."""
    scope = written.scope
    if scope is None:
        raise NotFound("conversation not found", code="conversation_not_found")
    if isinstance(principal, AgentPrincipal):
        async with ctx.uow() as uow:
            await load_visible(uow.session, principal, scope.conversation_id)
    elif not (isinstance(principal, CustomerPrincipal) and scope.customer_id == principal.customer_id):
        raise NotFound("conversation not found", code="conversation_not_found")
    if written.message is not None:
        return message_view(written.message)
    if scope.status == "closed":
        raise Conflict("conversation is closed", code="conversation_closed")
    raise PermissionDenied("take the conversation before replying", code="not_assignee")


async def send_message(
    ctx: Context,
    principal: Principal,
    conversation_id: int,
    text: str,
    *,
    client_msg_id: str | None = None,
    attachment: NewAttachment | None = None,
    meta: dict[str, Any] | None = None,
) -> tuple[MessageView, bool]:
    """Store a message and return it with ``True``; a resend of a known ``client_msg_id`` returns the
    original with ``False`` and stores nothing.

    The message writer numbers, stores and commits it (batched with concurrent sends); the reply and
    the MessageCreated event come only after that commit. Overloaded (retryable) if the writer is full.
    """
    check_text(ctx, text, allow_empty=attachment is not None)
    check_client_msg_id(client_msg_id)
    agent = principal if isinstance(principal, AgentPrincipal) else None
    send = NewMessage(
        conversation_id=conversation_id,
        sender_kind=principal.kind,
        sender_user_id=agent.user_id if agent is not None else None,
        sender_name=agent.display_name if agent is not None else "",
        text=text,
        client_msg_id=client_msg_id,
        meta=json.dumps(meta, ensure_ascii=False) if meta is not None else None,
        created_at=ctx.clock.now(),
        check=partial(may_write, principal),
        attachment=attachment,
    )
    written = await ctx.messages.write(send)
    if written.outcome == "refused":
        return await _refusal(ctx, principal, written), False
    assert written.message is not None
    view = message_view(written.message)
    if written.outcome == "created":
        await ctx.bus.publish(MessageCreated(view))
    return view, written.outcome == "created"


async def take(ctx: Context, principal: Principal, conversation_id: int) -> ConversationView:
    """Assign a waiting conversation to the calling agent; Conflict if someone else was faster."""
    agent = require_agent(principal)
    async with ctx.uow() as uow:
        row = await conversation_repo.get(uow.session, conversation_id)
        if row is None or not in_agent_scope(agent, row):
            raise NotFound("conversation not found", code="conversation_not_found")
        now = ctx.clock.now()
        values = {"status": "assigned", "assignee_id": agent.user_id, "assigned_at": now, "updated_at": now}
        if not await conversation_repo.transition(uow.session, conversation_id, ("bot", "queued"), values):
            raise Conflict("conversation is no longer waiting", code="not_waiting")
        await append_message(
            uow,
            ctx,
            conversation_id,
            sender_kind="system",
            text=f"客服 {agent.display_name} 已接入，请问有什么可以帮您？",
        )
        view = await _reloaded(uow, conversation_id)
        uow.emit(ConversationChanged(view, "assigned"))
        await uow.commit()
        return view


async def close(ctx: Context, principal: Principal, conversation_id: int) -> ConversationView:
    """Close a conversation (its assignee, a supervisor or admin, or the customer)."""
    async with ctx.uow() as uow:
        conversation = await load_visible(uow.session, principal, conversation_id)
        if isinstance(principal, AgentPrincipal) and not (
            principal.sees_everything or conversation.assignee_id == principal.user_id
        ):
            raise PermissionDenied("only the assigned agent or a supervisor may close", code="not_assignee")
        now = ctx.clock.now()
        values = {"status": "closed", "closed_at": now, "updated_at": now}
        if not await conversation_repo.transition(uow.session, conversation_id, OPEN_STATUSES, values):
            raise Conflict("conversation is already closed", code="conversation_closed")
        by = "客服" if isinstance(principal, AgentPrincipal) else "您"
        await append_message(
            uow, ctx, conversation_id, sender_kind="system", text=f"{by}已结束本次会话，感谢您的咨询。"
        )
        view = await _reloaded(uow, conversation_id)
        uow.emit(ConversationChanged(view, "closed"))
        await uow.commit()
        return view


async def mark_read(ctx: Context, principal: Principal, conversation_id: int, seq: int) -> None:
    """Record that the caller's side has read up to ``seq`` (markers only move forward)."""
    if seq < 0:
        raise InvalidInput("seq must not be negative", code="bad_seq")
    column = "customer_read_seq" if isinstance(principal, CustomerPrincipal) else "agent_read_seq"
    async with ctx.uow() as uow:
        conversation = await load_visible(uow.session, principal, conversation_id)
        if isinstance(principal, AgentPrincipal) and conversation.assignee_id != principal.user_id:
            return  # Supervisors looking in do not mark the agent's messages as read for the customer.
        if await conversation_repo.raise_read_seq(uow.session, conversation_id, column, seq):
            uow.emit(ConversationRead(conversation_id, principal.kind, seq))
            await uow.commit()


async def typing(ctx: Context, principal: Principal, conversation_id: int) -> None:
    """Tell the other side the caller is typing (not stored)."""
    async with ctx.uow() as uow:
        conversation = await load_visible(uow.session, principal, conversation_id)
        if conversation.status == "closed":
            return
    await ctx.bus.publish(Typing(conversation_id, principal.kind, principal.display_name))
