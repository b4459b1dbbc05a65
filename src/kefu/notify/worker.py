"""The notify worker: sends due outbox rows, retries failures with backoff, resumes after a restart.

Each pass (:meth:`NotifyWorker.run_once`) claims due rows in one short transaction (see
``storage/repositories/notifications``: at most once across workers), sends them outside any
transaction, then records each outcome: ``sent``; ``pending`` again after ``backoff`` × 2^(attempt−1)
(capped) for a failure that may pass; ``failed`` for a permanent one or after the last attempt.
Everything is read from the table with the injected clock, so a restarted node simply continues; a
row claimed by a node that died mid-send is taken again once its lease lapses (the one case where a
message could go out twice: the provider accepted it and the node died before recording that).

The background loop polls every ``KEFU_NOTIFY_POLL_SECONDS`` and is woken at once by
``NotificationsQueued`` (published after the rows' transaction committed). Tests call ``run_once``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

import httpx

from kefu.bus.base import Delivery
from kefu.context import Context
from kefu.events import Event, NotificationsQueued
from kefu.notify import links
from kefu.notify.aliyun import AliyunSms
from kefu.notify.contacts import EMAIL
from kefu.notify.mail import SmtpSender
from kefu.notify.senders import Outgoing, Sender, SendError
from kefu.notify.sms import DemoSms
from kefu.storage.repositories import notifications as repo
from kefu.storage.tables import Notification

log = logging.getLogger(__name__)
BATCH = 20
LEASE_SECONDS = 300
MAX_ERROR_CHARS = 1000


@dataclass(slots=True)
class PassReport:
    """What one pass did (for tests and logs)."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    @property
    def handled(self) -> int:
        """How many rows this pass attempted."""
        return len(self.sent) + len(self.retrying) + len(self.failed)


@dataclass(slots=True)
class Senders:
    """The sender of each medium (None: that medium is not configured)."""

    email: Sender | None = None
    sms: Sender | None = None

    def for_channel(self, channel: str) -> Sender | None:
        """The sender for ``email`` or ``sms``."""
        return self.email if channel == EMAIL else self.sms


def senders_from_settings(ctx: Context, client: httpx.AsyncClient) -> Senders:
    """The senders ``ctx.settings`` configure."""
    settings = ctx.settings
    email: Sender | None = SmtpSender(settings) if settings.smtp_host else None
    sms: Sender | None = None
    if settings.sms_provider == "aliyun":
        sms = AliyunSms(settings, client, ctx.clock)
    elif settings.sms_provider == "demo" and settings.sms_demo_url:
        sms = DemoSms(settings.sms_demo_url, settings.demo_system_secret, client)
    return Senders(email, sms)


def backoff(ctx: Context, attempt: int) -> timedelta:
    """How long to wait after failed attempt number ``attempt`` (1, 2, …) before the next."""
    settings = ctx.settings
    seconds = min(settings.notify_backoff_seconds * 2 ** (attempt - 1), settings.notify_backoff_max_seconds)
    return timedelta(seconds=seconds)


class NotifyWorker:
    """Sends the outbox of one node (several nodes may run one each)."""

    def __init__(
        self, ctx: Context, senders: Senders, *, batch: int = BATCH, lease_seconds: int = LEASE_SECONDS
    ) -> None:
        self._ctx = ctx
        self._senders = senders
        self._batch = batch
        self._lease = timedelta(seconds=lease_seconds)
        self._wake = asyncio.Event()

    async def run_once(self) -> PassReport:
        """Claim and send everything due now (in batches until nothing is left)."""
        report = PassReport()
        while True:
            claimed = await self._claim()
            for row in claimed:
                await self._attempt(row, report)
            if len(claimed) < self._batch:
                return report

    async def _claim(self) -> list[Notification]:
        ctx = self._ctx
        async with ctx.uow() as uow:
            now = ctx.clock.now()
            ids = await repo.due_ids(uow.session, now, self._batch, skip_locked=not ctx.settings.is_sqlite)
            rows = []
            for notification_id in ids:
                row = await repo.claim(uow.session, notification_id, now, now + self._lease)
                if row is not None:
                    rows.append(row)
            await uow.commit()
        return rows

    async def _attempt(self, row: Notification, report: PassReport) -> None:
        ctx = self._ctx
        sender = self._senders.for_channel(row.channel)
        error: SendError | None = None
        if sender is None:
            error = SendError(f"{row.channel} is not configured on this node")
        else:
            try:
                await sender.send(self._outgoing(row))
            except SendError as exc:
                error = exc
            except Exception as exc:  # a sender's bug must not stop the outbox
                log.exception("notification %s: sender failed", row.id)
                error = SendError(f"{type(exc).__name__}: {exc}")
        async with ctx.uow() as uow:
            now = ctx.clock.now()
            if error is None:
                await repo.finish(uow.session, row.id, row.attempts, status=repo.SENT, now=now)
                report.sent.append(row.id)
            elif error.permanent or row.attempts >= ctx.settings.notify_max_attempts:
                await repo.finish(uow.session, row.id, row.attempts, status=repo.FAILED, now=now, error=_cut(error))
                report.failed.append(row.id)
                log.warning("notification %s failed for good: %s", row.id, error)
            else:
                await repo.finish(
                    uow.session,
                    row.id,
                    row.attempts,
                    status=repo.PENDING,
                    now=now,
                    error=_cut(error),
                    next_attempt_at=now + backoff(ctx, row.attempts),
                )
                report.retrying.append(row.id)
            await uow.commit()

    def _outgoing(self, row: Notification) -> Outgoing:
        settings = self._ctx.settings
        unsubscribe = links.unsubscribe(settings, row.customer_id) if row.customer_id is not None else ""
        params = json.loads(row.params or "{}")
        return Outgoing(
            row.id, row.kind, row.channel, row.recipient, row.subject, row.body, params, unsubscribe_url=unsubscribe
        )

    def wake(self) -> None:
        """Run a pass now rather than at the next poll."""
        self._wake.set()

    async def on_event(self, event: Event) -> None:
        """Bus listener: new rows were committed."""
        if isinstance(event, NotificationsQueued):
            self.wake()

    async def loop(self) -> None:
        """Poll forever (until cancelled)."""
        interval = self._ctx.settings.notify_poll_seconds
        while True:
            self._wake.clear()
            try:
                await self.run_once()
            except Exception:
                log.exception("notification pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)


def _cut(error: SendError) -> str:
    return str(error)[:MAX_ERROR_CHARS]


async def start(ctx: Context, senders: Senders | None = None) -> tuple[NotifyWorker, Callable[[], Awaitable[None]]]:
    """Start a node's worker (senders from the settings unless given); returns it and its async stopper."""
    client = httpx.AsyncClient()
    worker = NotifyWorker(ctx, senders if senders is not None else senders_from_settings(ctx, client))
    unsubscribe = ctx.bus.subscribe(worker.on_event, Delivery.ONCE)
    task = asyncio.create_task(worker.loop(), name="kefu-notify-worker")

    async def stop() -> None:
        unsubscribe()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await client.aclose()

    return worker, stop
