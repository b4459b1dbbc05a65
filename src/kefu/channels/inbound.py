"""Inbound for channels of text: what a customer writes becomes a message of their open conversation.

A reply that is a number picks among the choices of the bot's last message (text channels show them
numbered, see :mod:`kefu.channels.parts`), so the bot understands "1" as a click on the first.
"""

from __future__ import annotations

from kefu.channels.parts import parts_of, picked
from kefu.context import Context
from kefu.conversations import actions
from kefu.conversations.views import MessageView
from kefu.security.principals import CustomerPrincipal
from kefu.storage.repositories import messages as message_repo


async def receive_text(
    ctx: Context, customer: CustomerPrincipal, text: str, *, client_msg_id: str | None = None
) -> tuple[MessageView, bool]:
    """Store what the customer wrote in their open conversation on their channel (opened if needed).

    ``client_msg_id`` is the channel's own message id, so a channel's retry is stored once.
    """
    conversation = await actions.open_conversation(ctx, customer)
    meta = None
    async with ctx.uow() as uow:
        last = await message_repo.last_from(uow.session, conversation.id, "bot")
        choices = parts_of(MessageView.of(last)).choices if last is not None else ()
    choice = picked(text, choices)
    if choice is not None:
        text = choice.send
        if choice.entry_id is not None:
            meta = {"pick": choice.entry_id}
    return await actions.send_message(ctx, customer, conversation.id, text, client_msg_id=client_msg_id, meta=meta)
