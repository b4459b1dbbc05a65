"""Ticket numbers customers can quote: ``T`` + the local day + a per-day sequence (T20261202-0001).

The day is the organisation's (``Organisation.timezone``), the instant the injected clock's; the
sequence comes from one counter row per day, bumped atomically in the creating transaction (see
``storage/repositories/tickets.next_number``), so concurrent creators never share a number and a
rolled-back creation gives its number back.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.repositories import tickets as repo
from kefu.storage.repositories import users as user_repo

DEFAULT_ZONE = "Asia/Shanghai"


async def zone(session: AsyncSession) -> ZoneInfo:
    """The organisation's time zone."""
    org = await user_repo.get_organisation(session)
    return ZoneInfo(org.timezone if org is not None and org.timezone else DEFAULT_ZONE)


def day_of(instant: datetime, tz: ZoneInfo) -> str:
    """The local calendar day of ``instant`` as YYYYMMDD."""
    return instant.astimezone(tz).strftime("%Y%m%d")


def format_number(day: str, seq: int) -> str:
    """T + day + '-' + at least four digits."""
    return f"T{day}-{seq:04d}"


async def next_number(session: AsyncSession, now: datetime) -> str:
    """The next free number for a ticket created at ``now`` (in the caller's transaction)."""
    day = day_of(now, await zone(session))
    return format_number(day, await repo.next_number(session, day))
