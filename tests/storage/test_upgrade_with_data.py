"""An install that already holds customers and their 留言 upgrades to the newest schema (SQLite checks
foreign keys, so no migration may rebuild a table other rows point at)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from kefu.storage.database import create_engine
from kefu.storage.migrate import upgrade


@pytest.mark.asyncio
async def test_upgrade_from_0008_keeps_customers_and_their_messages(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kefu.db'}"
    engine = create_engine(url)
    try:
        await upgrade(engine, "0008")
        async with engine.begin() as connection:
            await connection.execute(
                text("INSERT INTO customers (id, display_name, is_vip, created_at) VALUES (1, '张三', 0, '2026-12-01')")
            )
            await connection.execute(
                text(
                    "INSERT INTO leave_messages (customer_id, channel, name, contact, text, status, created_at) "
                    "VALUES (1, 'web', '张三', '13800138000', '请回电', 'open', '2026-12-01')"
                )
            )
        await upgrade(engine)
        async with engine.connect() as connection:
            row = (await connection.execute(text("SELECT display_name, notify_opt_out FROM customers"))).one()
            left = (await connection.execute(text("SELECT count(*) FROM leave_messages"))).scalar_one()
        assert tuple(row) == ("张三", 0)
        assert left == 1
    finally:
        await engine.dispose()
