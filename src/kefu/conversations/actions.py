"""Conversation actions: open, send, close, mark read, typing. Each is one transaction.

Handlers in ``web/`` validate input and call these; these write and emit events after commit.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kefu.context import Context
from kefu.conversations import lifecycle, secrets, sending
from kefu.conversations.status import CloseReason, ConversationScope, Status
from kefu.conversations.views import ConversationView, MessageView, scope_of
from kefu.errors import Conflict, InvalidInput, PermissionDenied
from kefu.events import ConversationRead, MessageCreated, StaffTyping, Typing
from kefu.security.access import load_visible, may_manage
from kefu.security.principals import AgentPrincipal, CustomerPrincipal, Principal
from kefu.storage.message_writer import NewAttachment
from kefu.storage.repositories import conversations as conversation_repo
from kefu.storage.repositories import messages as message_repo
from kefu.storage.tables import Attachment, Message
from kefu.storage.uow import UnitOfWork
from kefu.texts import Phrase

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


async def open_conversation(
    ctx: Context, customer: CustomerPrincipal, *, locale: str | None = None
) -> ConversationView:
    """The customer's open conversation on their channel, created if there is none.

    A new conversation starts with the bot when it is enabled, otherwise straight in the queue. It
    keeps ``locale`` (the client's language, e.g. the widget's ``lang``; by default the organisation's):
    kefu's own messages in it are in that language. An open conversation keeps the locale it has.
    """
    async with ctx.uow() as uow:
        await conversation_repo.lock_customer(uow.session, customer.customer_id)
        existing = await conversation_repo.find_open(uow.session, customer.customer_id, customer.channel)
        if existing is not None:
            return ConversationView.of(existing)
        now = ctx.clock.now()
        row = lifecycle.new_conversation(customer.customer_id, customer.channel, now, with_bot=ctx.settings.bot_enabled)
        row.locale = ctx.texts.locale_for(locale)
        uow.session.add(row)
        await uow.session.flush()
        await uow.session.refresh(row)
        view = lifecycle.created(uow, row)
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
    scope: ConversationScope | None = None,
) -> MessageView:
    """Number and store a message in the open transaction; the event leaves at commit.

    Other domain packages (bot, routing) use this to add bot and system messages to a conversation.
    ``scope`` is the conversation's scope if the caller holds it (it is read otherwise).
    """
    now = ctx.clock.now()
    seq = await conversation_repo.next_seq(uow.session, conversation_id, now, agent_reply=sender_kind == "agent")
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
    uow.emit(MessageCreated(view, scope or await _scope(uow, conversation_id)))
    return view


async def append_notice(uow: UnitOfWork, ctx: Context, conversation_id: int, phrase: Phrase) -> MessageView:
    """Store a system message in the open transaction: the catalogue text of ``phrase`` in the
    conversation's locale and for its channel (in its skill group's own words if the group has them); the
    meta keeps ``text_code`` and ``text_params`` so a channel (or a later re-render) can use them."""
    row = await conversation_repo.get(uow.session, conversation_id)
    assert row is not None
    text = ctx.texts.say(phrase, row.locale, row.channel, row.skill_group_id)  # a group's own greeting wins
    return await append_message(uow, ctx, conversation_id, sender_kind="system", text=text, meta=phrase.meta())


async def _scope(uow: UnitOfWork, conversation_id: int) -> ConversationScope:
    row = await conversation_repo.get(uow.session, conversation_id)
    assert row is not None
    return scope_of(row)


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

    The message writer numbers, stores and commits it, batched with concurrent sends (see
    ``storage/message_writer.py``); the answer and the MessageCreated event come only after that
    commit. Overloaded (retryable, nothing stored) if too many sends are already waiting.
    """
    check_text(ctx, text, allow_empty=attachment is not None)
    check_client_msg_id(client_msg_id)
    if isinstance(principal, CustomerPrincipal):
        text, meta = await secrets.seal_if_expected(ctx, conversation_id, text, meta)
    written = await ctx.messages.write(
        sending.new_message(ctx, principal, conversation_id, text, client_msg_id, attachment, meta)
    )
    if written.outcome == "refused":
        return await sending.refusal(ctx, principal, conversation_id, written), False
    assert written.message is not None
    assert written.scope is not None
    view = sending.message_view(written.message)
    if written.outcome == "created":
        await ctx.bus.publish(MessageCreated(view, written.scope))
    return view, written.outcome == "created"


async def close(ctx: Context, principal: Principal, conversation_id: int) -> ConversationView:
    """Close a conversation (its assignee, a supervisor or admin, or the customer)."""
    async with ctx.uow() as uow:
        conversation = await load_visible(uow.session, principal, conversation_id)
        if isinstance(principal, AgentPrincipal) and not may_manage(principal, scope_of(conversation)):
            raise PermissionDenied("only the assigned agent or a supervisor may close", code="not_assignee")
        is_agent = isinstance(principal, AgentPrincipal)
        reason = CloseReason.AGENT if is_agent else CloseReason.CUSTOMER
        by_user_id = principal.user_id if isinstance(principal, AgentPrincipal) else None
        view = await lifecycle.close(uow, ctx, conversation_id, reason, by_user_id=by_user_id)
        if view is None:
            raise Conflict("conversation is already closed", code="conversation_closed")
        said = "conversation.closed.by_agent" if is_agent else "conversation.closed.by_customer"
        await append_notice(uow, ctx, conversation_id, Phrase(said))
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
            uow.emit(ConversationRead(conversation_id, principal.kind, seq, scope_of(conversation)))
            await uow.commit()


async def typing(ctx: Context, principal: Principal, conversation_id: int) -> None:
    """Tell the other side the caller is typing (not stored). An agent typing a reply is also shown to
    colleagues following the conversation (collision), by a staff-only event."""
    async with ctx.uow() as uow:
        conversation = await load_visible(uow.session, principal, conversation_id)
        if conversation.status == Status.CLOSED:
            return
        scope = scope_of(conversation)
    await ctx.bus.publish(Typing(conversation_id, principal.kind, principal.display_name, scope))
    if isinstance(principal, AgentPrincipal):
        await ctx.bus.publish(StaffTyping(conversation_id, principal.user_id, principal.display_name, "reply", scope))
