"""The organisation's stored bot settings: one row of overrides (``NULL``: use the node's default)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import BotSettingsRow

ROW_ID = 1
OverrideValue = float | int | bool | None


async def get_overrides(session: AsyncSession) -> BotSettingsRow | None:
    """The stored overrides, or None when no admin has changed anything yet."""
    return await session.get(BotSettingsRow, ROW_ID)


async def save_overrides(
    session: AsyncSession, changes: Mapping[str, OverrideValue], updated_by: int | None, updated_at: datetime
) -> BotSettingsRow:
    """Set the named columns (``None`` clears an override), creating the row on first use."""
    row = await session.get(BotSettingsRow, ROW_ID)
    if row is None:
        row = BotSettingsRow(id=ROW_ID, updated_at=updated_at)
        session.add(row)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_by = updated_by
    row.updated_at = updated_at
    await session.flush()
    return row
