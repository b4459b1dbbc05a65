"""In-process event bus: each listener has a mailbox worked through by a task of its own.

Publishing never waits for listeners (a customer's send is acknowledged once it is committed, not once
the bot and routing have reacted). Each listener receives every event in publication order, at its
own pace: a slow listener (routing assigning a burst of hand-overs) never delays another (the hub's
fan-out of messages). One listener failing does not stop the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from kefu.bus.base import Delivery, Listener
from kefu.events import Event

log = logging.getLogger(__name__)


class _Mailbox:
    """One listener's queue of events and the task that hands them over, started on first use."""

    def __init__(self, listener: Listener, delivery: Delivery) -> None:
        self.listener = listener
        self.delivery = delivery
        self.queue: asyncio.Queue[Event] = asyncio.Queue()
        self.pending = 0
        self.worker: asyncio.Task[None] | None = None

    def put(self, event: Event) -> None:
        if self.worker is None or self.worker.done():
            self.worker = asyncio.create_task(self._work(), name=f"kefu-bus:{self.listener!r:.60}")
        self.pending += 1
        self.queue.put_nowait(event)

    async def _work(self) -> None:
        while True:
            event = await self.queue.get()
            try:
                await self.listener(event)
            except Exception:
                log.exception("event listener %r failed on %s", self.listener, type(event).__name__)
            finally:
                self.pending -= 1
                self.queue.task_done()

    async def stop(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.worker
            self.worker = None


class InProcessBus:
    """The embedded bus for a single node: ``ONCE`` and ``EVERY_NODE`` listeners both run here."""

    def __init__(self) -> None:
        self._mailboxes: list[_Mailbox] = []

    def subscribe(self, listener: Listener, delivery: Delivery) -> Callable[[], None]:
        """Add a listener; the returned callable removes it (events already queued for it are dropped)."""
        mailbox = _Mailbox(listener, delivery)
        self._mailboxes.append(mailbox)

        def unsubscribe() -> None:
            if mailbox in self._mailboxes:
                self._mailboxes.remove(mailbox)
                if mailbox.worker is not None:
                    mailbox.worker.cancel()

        return unsubscribe

    def listeners(self, delivery: Delivery | None = None) -> list[Listener]:
        """The listeners subscribed (with ``delivery``, only those that run that way)."""
        return [m.listener for m in self._mailboxes if delivery is None or m.delivery is delivery]

    async def publish(self, event: Event) -> None:
        """Queue the event for every listener."""
        for mailbox in list(self._mailboxes):
            mailbox.put(event)

    @property
    def idle(self) -> bool:
        """True when every published event has been handled by every listener."""
        return all(m.pending == 0 for m in self._mailboxes)

    async def drain(self) -> None:
        """Wait until every listener handled every event, including events their work published."""
        while not self.idle:
            for mailbox in list(self._mailboxes):
                if mailbox.pending and mailbox.worker is not None and not mailbox.worker.done():
                    await mailbox.queue.join()

    async def close(self) -> None:
        """Handle what is queued, then stop every listener's task."""
        await self.drain()
        for mailbox in self._mailboxes:
            await mailbox.stop()
