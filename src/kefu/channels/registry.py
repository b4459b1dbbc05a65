"""The channels a node knows, and the listener that hands each outgoing message to its channel."""

from __future__ import annotations

import logging

from kefu.bus.base import Listener
from kefu.channels.base import Channel, Outbound
from kefu.channels.parts import parts_of
from kefu.channels.web import WebChannel
from kefu.context import Context
from kefu.events import Event, MessageCreated

log = logging.getLogger(__name__)


class Channels:
    """Channels by name; the web widget is always there."""

    def __init__(self) -> None:
        self._by_name: dict[str, Channel] = {}
        self.add(WebChannel())

    def add(self, channel: Channel) -> None:
        """Register a channel (a second one of the same name replaces the first)."""
        self._by_name[channel.name] = channel

    def get(self, name: str) -> Channel | None:
        """The channel called ``name``, if this node has it."""
        return self._by_name.get(name)

    def names(self) -> list[str]:
        """Every registered channel's name."""
        return sorted(self._by_name)


def outbound_listener(ctx: Context, channels: Channels) -> Listener:
    """A ``ONCE`` listener: messages for customers of channels that are not live go through their sender."""

    async def on_event(event: Event) -> None:
        if not isinstance(event, MessageCreated) or event.message.sender_kind == "customer":
            return
        channel = channels.get(event.scope.channel)
        if channel is None:
            log.warning("no channel %r for conversation %s", event.scope.channel, event.conversation_id)
            return
        if channel.live:
            return
        message = event.message
        await channel.send(
            ctx,
            Outbound(
                customer_id=event.scope.customer_id,
                conversation_id=message.conversation_id,
                seq=message.seq,
                sender_kind=message.sender_kind,
                sender_name=message.sender_name,
                parts=parts_of(message),
                scope=event.scope,
            ),
        )

    return on_event
