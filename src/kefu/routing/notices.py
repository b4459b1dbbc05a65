"""What routing tells people in the conversation: system messages stored in the history."""

from __future__ import annotations

from kefu.context import Context
from kefu.conversations.actions import append_message
from kefu.conversations.views import ConversationView, MessageView
from kefu.storage.repositories import conversations as conversation_repo
from kefu.storage.uow import UnitOfWork


async def say(uow: UnitOfWork, ctx: Context, conversation_id: int, text: str) -> MessageView:
    """Store a system message in the open transaction (its event leaves at commit)."""
    return await append_message(uow, ctx, conversation_id, sender_kind="system", text=text)


async def view(uow: UnitOfWork, conversation_id: int) -> ConversationView:
    """The conversation as it is now inside the transaction (after guarded updates)."""
    row = await conversation_repo.get(uow.session, conversation_id)
    assert row is not None
    return ConversationView.of(row)


def joined_text(display_name: str) -> str:
    """The message that tells the customer a person has joined (same words as a manual take)."""
    return f"客服 {display_name} 已接入，请问有什么可以帮您？"
