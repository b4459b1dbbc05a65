"""What every event bus provides, and how a listener says where it must run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Protocol, TypeAlias

from kefu.events import Event

Listener: TypeAlias = Callable[[Event], Awaitable[None]]


class Delivery(StrEnum):
    """Where a listener runs when several nodes share one database.

    ``EVERY_NODE``: each node runs it for every event (fan-out to its own WebSockets, cache rebuilds).
    ``ONCE``: one node in the cluster runs it per event (the bot, routing, SLA, notifications); on a
    single node both are the same, and the multi-node bus drains these through a transactional outbox.
    """

    EVERY_NODE = "every_node"
    ONCE = "once"


class EventBus(Protocol):
    """Publish events to every subscribed listener (on this node and, for networked buses, others)."""

    async def publish(self, event: Event) -> None:
        """Hand ``event`` to the listeners; it does not wait for them to run."""
        ...

    def subscribe(self, listener: Listener, delivery: Delivery, *, concurrency: int = 1) -> Callable[[], None]:
        """Register a listener that runs as ``delivery`` says (``concurrency`` events at once, 1: in
        order); returns a function that unsubscribes it."""
        ...

    @property
    def idle(self) -> bool:
        """True when every event published on this node has been handled."""
        ...

    async def drain(self) -> None:
        """Wait until every event published so far (and every event its listeners published) was handled."""
        ...

    async def close(self) -> None:
        """Stop delivering; events not yet handled are handled first."""
        ...
