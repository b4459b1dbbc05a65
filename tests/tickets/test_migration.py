"""Migration 0009 turns the 留言 already stored into tickets (type 其他, source leave), numbered per
local day, with the answer as a reply; the 留言 rows stay for the 留言 API."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from kefu.storage.database import create_engine
from kefu.storage.migrate import upgrade


def _at(engine_name: str, value: datetime) -> datetime:
    return value.replace(tzinfo=None) if engine_name == "sqlite" else value


async def test_leave_messages_migrate(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    engine = create_engine(url)
    try:
        await upgrade(engine, "0010")  # the revision 0009 follows (the lead re-chains at merge time)
        now = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 01:00 on 12-02 in Shanghai
        async with engine.begin() as c:
            await c.execute(
                text(
                    "INSERT INTO organisation (id, name, default_locale, timezone, welcome_text, created_at)"
                    " VALUES (1, '示例', 'zh-CN', 'Asia/Shanghai', '', :at)"
                ),
                {"at": _at("sqlite", now)},
            )
            await c.execute(
                text("INSERT INTO customers (id, display_name, is_vip, created_at) VALUES (1, '张三', 0, :at)"),
                {"at": _at("sqlite", now)},
            )
            await c.execute(
                text(
                    "INSERT INTO users (id, username, display_name, password_hash, role, is_active, locale, created_at)"
                    " VALUES (1, 'a', '小王', 'x', 'agent', 1, 'zh-CN', :at)"
                ),
                {"at": _at("sqlite", now)},
            )
            for i, (status, answer) in enumerate((("open", None), ("answered", "已处理"))):
                await c.execute(
                    text(
                        "INSERT INTO leave_messages (customer_id, channel, name, contact, text, status, answer,"
                        " answered_by_id, answered_at, created_at) VALUES (1, 'web', '张三', '13800000000', :t, :s,"
                        " :a, :by, :aat, :at)"
                    ),
                    {
                        "t": f"留言{i}",
                        "s": status,
                        "a": answer,
                        "by": 1 if answer else None,
                        "aat": _at("sqlite", now) if answer else None,
                        "at": _at("sqlite", now),
                    },
                )
        await upgrade(engine)
        async with engine.connect() as c:
            rows = (
                await c.execute(text("SELECT number, type_key, source, status, phone FROM tickets ORDER BY id"))
            ).all()
            kinds = (await c.execute(text("SELECT kind FROM ticket_events ORDER BY id"))).scalars().all()
            counter = (await c.execute(text("SELECT day, last FROM ticket_counters"))).all()
            types = (await c.execute(text("SELECT name FROM ticket_types ORDER BY sort"))).scalars().all()
        assert [tuple(r) for r in rows] == [
            ("T20261202-0001", "other", "leave", "new", "13800000000"),
            ("T20261202-0002", "other", "leave", "resolved", "13800000000"),
        ]
        assert kinds == ["created", "created", "reply", "status"]
        assert [tuple(r) for r in counter] == [("20261202", 2)]
        assert types == ["咨询", "投诉", "报修", "退款", "其他"]
    finally:
        await engine.dispose()
