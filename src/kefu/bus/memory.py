"""In-process event bus: each listener has a mailbox worked through by a task of its own.

Publishing never waits for listeners (a customer's send is acknowledged once it is committed, not once
the bot and routing have reacted). Each listener receives every event in publication order, at its
own pace: a slow listener (routing assigning a burst of hand-overs) never delays another (the hub's
fan-out of messages). A listener may ask to handle several events at once. One listener failing does
not stop the others.
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

    def __init__(self, listener: Listener, delivery: Delivery, concurrency: int) -> None:
        self.listener = listener
        self.delivery = delivery
        self.concurrency = concurrency
        self.queue: asyncio.Queue[Event] = asyncio.Queue()
        self.pending = 0
        self.worker: asyncio.Task[None] | None = None
        self.running: set[asyncio.Task[None]] = set()

    def put(self, event: Event) -> None:
        self.pending += 1
        self.queue.put_nowait(event)
        self.ensure_worker()

    def ensure_worker(self) -> None:
        """Start the task if there is none (first use, or its predecessor was cancelled)."""
        if self.worker is None or self.worker.done():
            self.worker = asyncio.create_task(self._work(), name=f"kefu-bus:{self.listener!r:.60}")

    async def _work(self) -> None:
        slots = asyncio.Semaphore(self.concurrency)
        while True:
            event = await self.queue.get()
            if self.concurrency == 1:
                await self._handle(event)
                continue
            await slots.acquire()
            task = asyncio.create_task(self._handle(event))
            self.running.add(task)
            task.add_done_callback(self.running.discard)
            task.add_done_callback(lambda _: slots.release())

    async def _handle(self, event: Event) -> None:
        try:
            await self.listener(event)
        except Exception:
            log.exception("event listener %r failed on %s", self.listener, type(event).__name__)
        finally:
            self.pending -= 1
            self.queue.task_done()

    async def stop(self) -> None:
        tasks = [t for t in (self.worker, *self.running) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.worker = None


class InProcessBus:
    """The embedded bus for a single node: ``ONCE`` and ``EVERY_NODE`` listeners both run here."""

    def __init__(self) -> None:
        self._mailboxes: list[_Mailbox] = []  # subscribed: they receive new events
        self._all: list[_Mailbox] = []  # also those unsubscribed, until close: they finish what they hold

    def subscribe(self, listener: Listener, delivery: Delivery, *, concurrency: int = 1) -> Callable[[], None]:
        """Add a listener; the returned callable stops new events reaching it.

        With ``concurrency`` above 1 the listener handles up to that many events at once (not in order):
        for listeners whose work is safe to overlap and waits on the database (routing).

        Events it already holds are still handled (its work is not cut off half-way, e.g. inside a
        transaction); :meth:`drain` and :meth:`close` wait for them.
        """
        mailbox = _Mailbox(listener, delivery, max(1, concurrency))
        self._mailboxes.append(mailbox)
        self._all.append(mailbox)

        def unsubscribe() -> None:
            if mailbox in self._mailboxes:
                self._mailboxes.remove(mailbox)

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
        return all(m.pending == 0 for m in self._all)

    async def drain(self) -> None:
        """Wait until every listener handled every event, including events their work published."""
        while not self.idle:
            for mailbox in list(self._all):
                if mailbox.pending:
                    mailbox.ensure_worker()
                    await mailbox.queue.join()

    async def close(self) -> None:
        """Handle what is queued, then stop every listener's task."""
        await self.drain()
        for mailbox in self._all:
            await mailbox.stop()
        self._mailboxes.clear()
        self._all.clear()
