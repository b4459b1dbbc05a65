"""In-process event bus: one dispatcher task hands each event to the listeners in subscription order.

Publishing never waits for listeners (a customer's send is acknowledged once it is committed, not once
the bot and routing have reacted); events are handled one at a time in publication order, so a
listener sees a conversation's events in the order they happened. One listener failing does not stop
the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from kefu.bus.base import Delivery, Listener
from kefu.events import Event

log = logging.getLogger(__name__)


class InProcessBus:
    """The embedded bus for a single node: ``ONCE`` and ``EVERY_NODE`` listeners both run here."""

    def __init__(self) -> None:
        self._listeners: list[tuple[Listener, Delivery]] = []
        self._queue: asyncio.Queue[Event] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._pending = 0  # published and not yet handled by every listener

    def subscribe(self, listener: Listener, delivery: Delivery) -> Callable[[], None]:
        """Add a listener; the returned callable removes it."""
        entry = (listener, delivery)
        self._listeners.append(entry)

        def unsubscribe() -> None:
            if entry in self._listeners:
                self._listeners.remove(entry)

        return unsubscribe

    def listeners(self, delivery: Delivery | None = None) -> list[Listener]:
        """The listeners subscribed (with ``delivery``, only those that run that way)."""
        return [listener for listener, mode in self._listeners if delivery is None or mode is delivery]

    async def publish(self, event: Event) -> None:
        """Queue the event for the dispatcher (started on first use, on the running loop)."""
        if self._queue is None or self._worker is None or self._worker.done():
            self._queue = asyncio.Queue()
            self._worker = asyncio.create_task(self._dispatch(self._queue), name="kefu-bus")
        self._pending += 1
        self._queue.put_nowait(event)

    async def _dispatch(self, queue: asyncio.Queue[Event]) -> None:
        while True:
            event = await queue.get()
            try:
                for listener, _ in list(self._listeners):
                    try:
                        await listener(event)
                    except Exception:
                        log.exception("event listener %r failed on %s", listener, type(event).__name__)
            finally:
                self._pending -= 1
                queue.task_done()

    @property
    def idle(self) -> bool:
        """True when every published event has been handled."""
        return self._pending == 0

    async def drain(self) -> None:
        """Wait until the queue is empty and the event in hand was handled (repeats for cascades)."""
        if self._queue is not None and self._worker is not None and not self._worker.done():
            await self._queue.join()

    async def close(self) -> None:
        """Handle what is queued, then stop the dispatcher."""
        await self.drain()
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
