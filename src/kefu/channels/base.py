"""What a channel provides: an outbound sender, and whether the hub's WebSockets deliver it live."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kefu.channels.parts import Parts
from kefu.context import Context
from kefu.conversations.status import ConversationScope


@dataclass(frozen=True, slots=True)
class Outbound:
    """One message for one customer: whom, in which conversation, and what (with its parts)."""

    customer_id: int
    conversation_id: int
    seq: int
    sender_kind: str
    sender_name: str
    parts: Parts
    scope: ConversationScope


class Channel(Protocol):
    """One way customers reach kefu.

    ``live``: the channel's clients hold a kefu WebSocket (the web widget, an app's WebView), so the
    hub delivers to them on every node and ``send`` is not called. Other channels (WeChat, e-mail)
    get each message through ``send``, once per message in the cluster.
    """

    @property
    def name(self) -> str:
        """The channel's name as stored on conversations and identities (``web``, ``wechat`` …)."""
        ...

    @property
    def live(self) -> bool:
        """True when the hub's WebSockets deliver to this channel's customers."""
        ...

    async def send(self, ctx: Context, message: Outbound) -> None:
        """Deliver a message to the customer in what the channel can show (not called when ``live``)."""
        ...
