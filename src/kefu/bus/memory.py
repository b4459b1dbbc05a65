"""In-process event bus: listeners are awaited in subscription order; one failing does not stop others."""

from __future__ import annotations

import logging
from collections.abc import Callable

from kefu.bus.base import Listener
from kefu.events import Event

log = logging.getLogger(__name__)


class InProcessBus:
    """The embedded bus for a single node."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    async def publish(self, event: Event) -> None:
        """Call each listener in turn; a listener's error is logged, never raised to the publisher."""
        for listener in list(self._listeners):
            try:
                await listener(event)
            except Exception:
                log.exception("event listener %r failed on %s", listener, type(event).__name__)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; the returned callable removes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe
