"""What every event bus provides."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeAlias

from kefu.events import Event

Listener: TypeAlias = Callable[[Event], Awaitable[None]]


class EventBus(Protocol):
    """Publish events to every subscribed listener (on this node and, for networked buses, others)."""

    async def publish(self, event: Event) -> None:
        """Deliver ``event`` to all listeners."""
        ...

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Register a listener; returns a function that unsubscribes it."""
        ...
