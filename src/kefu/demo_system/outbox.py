"""The demo system's 'SMS gateway' and 'mail server': messages are kept and shown on /outbox.

A real backend would hand them to a carrier; the demo keeps them so a person trying kefu can read the
verification code or reset link the bot asked them for.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.demo_system.formats import iso
from kefu.demo_system.store import OutboxMessage

MAX_LISTED = 200


def send(
    session: AsyncSession,
    now: datetime,
    channel: str,
    recipient: str,
    body: str,
    *,
    subject: str | None = None,
    code: str | None = None,
    link: str | None = None,
) -> None:
    """Record an SMS (``channel="sms"``) or e-mail as sent, in the caller's transaction."""
    session.add(
        OutboxMessage(
            channel=channel, recipient=recipient, subject=subject, body=body, code=code, link=link, created_at=now
        )
    )


async def send_returning_id(session: AsyncSession, now: datetime, channel: str, recipient: str, body: str) -> int:
    """Like :func:`send`, for a message that arrives from outside (kefu's SMS): its id once flushed."""
    message = OutboxMessage(channel=channel, recipient=recipient, body=body, created_at=now)
    session.add(message)
    await session.flush()
    return message.id


async def latest(session: AsyncSession, to: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """The newest messages first, optionally only those to one phone number or address."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(max(1, min(limit, MAX_LISTED)))
    if to:
        query = query.where(OutboxMessage.recipient == to.strip())
    return [as_json(message) for message in await session.scalars(query)]


def as_json(message: OutboxMessage) -> dict[str, Any]:
    """One message as /api/outbox shows it."""
    return {
        "id": message.id,
        "channel": message.channel,
        "to": message.recipient,
        "subject": message.subject,
        "text": message.body,
        "code": message.code,
        "link": message.link,
        "created_at": iso(message.created_at),
    }
