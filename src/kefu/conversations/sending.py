"""What ``send_message`` hands the message writer and makes of its answer.

The writer decides inside its batch transaction, with the conversation's scope it has just read, so
the rule it applies (:func:`may_write`) must be pure. A refusal is explained afterwards, off the hot
path, where a database read is allowed.
"""

from __future__ import annotations

import json
from datetime import UTC
from functools import partial
from typing import Any

from kefu.context import Context
from kefu.conversations.status import ConversationScope, Status
from kefu.conversations.views import IMAGE_TYPES, AttachmentView, MessageView
from kefu.errors import Conflict, NotFound, PermissionDenied
from kefu.security.access import load_visible, may_view_directly
from kefu.security.principals import AgentPrincipal, Principal
from kefu.storage.message_writer import NewAttachment, NewMessage, StoredMessage, Written


def may_write(principal: Principal, scope: ConversationScope) -> bool:
    """Whether ``principal`` may add a message now: the conversation is open and is the customer's own
    (the access policy's rule) or assigned to the agent (a supervisor takes a chat before replying)."""
    if scope.status is Status.CLOSED:
        return False
    if isinstance(principal, AgentPrincipal):
        return scope.assignee_id is not None and scope.assignee_id == principal.user_id
    return may_view_directly(principal, scope)


def new_message(
    ctx: Context,
    principal: Principal,
    conversation_id: int,
    text: str,
    client_msg_id: str | None,
    attachment: NewAttachment | None,
    meta: dict[str, Any] | None,
) -> NewMessage:
    """The writer's request for one send by ``principal``."""
    agent = principal if isinstance(principal, AgentPrincipal) else None
    return NewMessage(
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


async def refusal(ctx: Context, principal: Principal, conversation_id: int, written: Written) -> MessageView:
    """Why the writer refused a send: NotFound unless the caller may see the conversation; then a
    repeated ``client_msg_id`` is still answered with its original (a resend after the chat closed);
    otherwise the conversation is closed, or not the agent's to answer."""
    scope = written.scope
    if scope is None:
        raise NotFound("conversation not found", code="conversation_not_found")
    if isinstance(principal, AgentPrincipal):
        async with ctx.uow() as uow:
            await load_visible(uow.session, principal, conversation_id)
    elif not may_view_directly(principal, scope):
        raise NotFound("conversation not found", code="conversation_not_found")
    if written.message is not None:
        return message_view(written.message)
    if scope.status is Status.CLOSED:
        raise Conflict("conversation is closed", code="conversation_closed")
    raise PermissionDenied("take the conversation before replying", code="not_assignee")
