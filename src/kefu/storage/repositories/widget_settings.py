"""The organisation's widget branding: one row (``id=1``), created on the first change."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import WidgetSettingsRow

ROW_ID = 1


async def get(session: AsyncSession) -> WidgetSettingsRow | None:
    """The stored branding, or None while nobody has changed it."""
    return await session.get(WidgetSettingsRow, ROW_ID)


async def save(
    session: AsyncSession, changes: Mapping[str, object], updated_by: int | None, updated_at: datetime
) -> WidgetSettingsRow:
    """Set the named columns, creating the row on first use."""
    row = await session.get(WidgetSettingsRow, ROW_ID)
    if row is None:
        row = WidgetSettingsRow(id=ROW_ID, logo_version=0, updated_at=updated_at)
        session.add(row)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_by = updated_by
    row.updated_at = updated_at
    await session.flush()
    return row
