"""The notifications outbox: add rows in the caller's transaction, claim due rows, record the outcome.

Claiming is what makes a row go out at most once while several workers (nodes) poll the same table:
candidates are read (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers spread over different rows
instead of queueing behind each other), then each is taken by a guarded
``UPDATE … WHERE id = ? AND status = 'pending'`` (or a ``sending`` row whose lease lapsed): only one
worker's update can match. The outcome is written with the attempt number the claim produced, so a
worker whose lease lapsed cannot overwrite the outcome of the worker that took the row after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import Conversation, Customer, Notification

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
STATUSES = (PENDING, SENDING, SENT, FAILED)


def _due(now: datetime) -> object:
    return or_(
        and_(Notification.status == PENDING, Notification.next_attempt_at <= now),
        and_(Notification.status == SENDING, Notification.lease_until < now),
    )


async def due_ids(session: AsyncSession, now: datetime, limit: int, *, skip_locked: bool) -> list[int]:
    """Ids of rows due for an attempt, oldest due first."""
    query = (
        select(Notification.id)
        .where(_due(now))  # type: ignore[arg-type]
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(limit)
    )
    if skip_locked:
        query = query.with_for_update(skip_locked=True)
    return list((await session.execute(query)).scalars().all())


async def claim(
    session: AsyncSession, notification_id: int, now: datetime, lease_until: datetime
) -> Notification | None:
    """Take the row for one attempt (None: another worker has it, or it is no longer due)."""
    result = await session.execute(
        update(Notification)
        .where(Notification.id == notification_id, _due(now))  # type: ignore[arg-type]
        .values(status=SENDING, attempts=Notification.attempts + 1, lease_until=lease_until)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return await session.get(Notification, notification_id, populate_existing=True)


async def finish(
    session: AsyncSession,
    notification_id: int,
    attempt: int,
    *,
    status: str,
    now: datetime,
    error: str | None = None,
    next_attempt_at: datetime | None = None,
) -> bool:
    """Record an attempt's outcome (sent, failed, or pending again at ``next_attempt_at``); False when the
    claim was lost meanwhile."""
    values: dict[str, object] = {"status": status, "lease_until": None, "last_error": error}
    if status == SENT:
        values["sent_at"] = now
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    result = await session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.status == SENDING, Notification.attempts == attempt)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def recent(
    session: AsyncSession,
    *,
    status: str | None = None,
    customer_id: int | None = None,
    limit: int = 100,
) -> Sequence[Notification]:
    """The newest rows first (the admin view)."""
    query = select(Notification).order_by(Notification.id.desc()).limit(limit)
    if status is not None:
        query = query.where(Notification.status == status)
    if customer_id is not None:
        query = query.where(Notification.customer_id == customer_id)
    return (await session.execute(query)).scalars().all()


async def get_customer(session: AsyncSession, customer_id: int, *, for_update: bool = False) -> Customer | None:
    """The customer, fresh from the database (locked when it is about to change)."""
    return await session.get(Customer, customer_id, populate_existing=True, with_for_update=for_update)


async def latest_locale(session: AsyncSession, customer_id: int) -> str | None:
    """The language of the customer's latest conversation (what they last spoke with kefu in)."""
    query = (
        select(Conversation.locale)
        .where(Conversation.customer_id == customer_id)
        .order_by(Conversation.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()
