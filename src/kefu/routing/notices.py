"""What routing tells people in the conversation: system messages stored in the history."""

from __future__ import annotations

from kefu.context import Context
from kefu.conversations.actions import append_message, append_notice
from kefu.conversations.views import ConversationView, MessageView
from kefu.storage.repositories import conversations as conversation_repo
from kefu.storage.uow import UnitOfWork
from kefu.texts import Param, Phrase


async def say(uow: UnitOfWork, ctx: Context, conversation_id: int, code: str, /, **params: Param) -> MessageView:
    """Store the catalogue text ``code`` as a system message, in the conversation's locale (event at commit)."""
    return await append_notice(uow, ctx, conversation_id, Phrase(code, params))


async def say_as_written(uow: UnitOfWork, ctx: Context, conversation_id: int, text: str) -> MessageView:
    """A system message in words an admin wrote for one purpose (a skill group's own off-hours text)."""
    return await append_message(uow, ctx, conversation_id, sender_kind="system", text=text)


async def view(uow: UnitOfWork, conversation_id: int) -> ConversationView:
    """The conversation as it is now inside the transaction (after guarded updates)."""
    row = await conversation_repo.get(uow.session, conversation_id)
    assert row is not None
    return ConversationView.of(row)
