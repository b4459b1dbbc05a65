"""The demo company's own store: its tables on its own SQLite file, apart from kefu's database.

The demo system plays a separate company backend, so it shares nothing with kefu's storage: its own
metadata, created with ``create_all`` (no migrations: a demo store can always be rebuilt from the seed).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

STORE_FILE = "demo_system.sqlite3"


class UTCDateTime(TypeDecorator[datetime]):
    """Keeps instants timezone-aware: SQLite stores naive text, so UTC is assumed on the way back."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store every instant as naive UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the demo store")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Give back an aware UTC instant."""
        return None if value is None else value.replace(tzinfo=UTC)


class DemoBase(DeclarativeBase):
    """Metadata of the demo system only (never mixed with kefu's tables)."""


class User(DemoBase):
    """A customer account of 示例科技."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    frozen_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    frozen_signed_out: Mapped[int] = mapped_column(Integer, default=0)


class Login(DemoBase):
    """One sign-in: where from, on what, and whether that session is still signed in."""

    __tablename__ = "logins"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(40))
    device: Mapped[str] = mapped_column(String(40))
    ip: Mapped[str] = mapped_column(String(45))
    active: Mapped[bool] = mapped_column(default=True)


class Order(DemoBase):
    """An order or a top-up; amounts are kept in cents (fen) so no float ever touches money."""

    __tablename__ = "orders"
    order_no: Mapped[str] = mapped_column(String(20), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))  # goods | recharge | membership
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(20))
    payment_state: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    credited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Refund(DemoBase):
    """A refund of one order (at most one per order)."""

    __tablename__ = "refunds"
    refund_no: Mapped[str] = mapped_column(String(24), primary_key=True)
    order_no: Mapped[str] = mapped_column(ForeignKey("orders.order_no"), unique=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expected_by: Mapped[date] = mapped_column(Date)


class Transfer(DemoBase):
    """An on-chain wallet transfer (a top-up in USDT) with its confirmations."""

    __tablename__ = "transfers"
    tx_hash: Mapped[str] = mapped_column(String(66), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    order_no: Mapped[str | None] = mapped_column(String(20), default=None, index=True)
    amount: Mapped[str] = mapped_column(String(24))
    asset: Mapped[str] = mapped_column(String(12))
    confirmations: Mapped[int] = mapped_column(Integer)
    required_confirmations: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12))  # pending | confirmed | stuck | failed
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Shipment(DemoBase):
    """The parcel of one goods order."""

    __tablename__ = "shipments"
    order_no: Mapped[str] = mapped_column(ForeignKey("orders.order_no"), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))  # not_shipped | in_transit | delivered
    carrier: Mapped[str | None] = mapped_column(String(20), default=None)
    tracking_no: Mapped[str | None] = mapped_column(String(30), default=None)
    promised_by: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    urged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class ShipmentEvent(DemoBase):
    """One line of a parcel's tracking history."""

    __tablename__ = "shipment_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_no: Mapped[str] = mapped_column(ForeignKey("shipments.order_no"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(String(200))


class ProductModel(DemoBase):
    """A product line and its warranty."""

    __tablename__ = "product_models"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    warranty_months: Mapped[int] = mapped_column(Integer)


class Device(DemoBase):
    """A sold device, known by its serial number."""

    __tablename__ = "devices"
    serial: Mapped[str] = mapped_column(String(24), primary_key=True)
    model: Mapped[str] = mapped_column(ForeignKey("product_models.name"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purchase_date: Mapped[date] = mapped_column(Date)


class Repair(DemoBase):
    """A repair order (维修单)."""

    __tablename__ = "repairs"
    repair_no: Mapped[str] = mapped_column(String(20), primary_key=True)
    model: Mapped[str] = mapped_column(String(40))
    serial: Mapped[str | None] = mapped_column(String(24), default=None)
    phone: Mapped[str | None] = mapped_column(String(20), default=None, index=True)
    fault: Mapped[str] = mapped_column(String(200))
    in_warranty: Mapped[bool] = mapped_column()
    state: Mapped[str] = mapped_column(String(16))  # received | inspecting | repairing | returning | done
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RepairStep(DemoBase):
    """One step of a repair's progress."""

    __tablename__ = "repair_steps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repair_no: Mapped[str] = mapped_column(ForeignKey("repairs.repair_no"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(String(200))


class VerificationCode(DemoBase):
    """A one-time code sent by SMS or e-mail; a newer code replaces the older ones."""

    __tablename__ = "verification_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code: Mapped[str] = mapped_column(String(6))
    via: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    wrong_attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    replaced: Mapped[bool] = mapped_column(default=False)


class ResetLink(DemoBase):
    """A password-reset link sent by e-mail (or SMS when the user has no e-mail)."""

    __tablename__ = "reset_links"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxMessage(DemoBase):
    """An SMS or e-mail the demo system 'sent': shown on /outbox instead of leaving the machine."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))  # sms | email
    recipient: Mapped[str] = mapped_column(String(120), index=True)
    subject: Mapped[str | None] = mapped_column(String(120), default=None)
    body: Mapped[str] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(6), default=None)
    link: Mapped[str | None] = mapped_column(String(300), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdempotentResponse(DemoBase):
    """The first answer given to an (action, Idempotency-Key): replayed for every repeat."""

    __tablename__ = "idempotent_responses"
    action: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Store:
    """The engine and sessions of the demo store at ``<data_dir>/demo_system.sqlite3``."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / STORE_FILE
        self.engine: AsyncEngine = create_async_engine(f"sqlite+aiosqlite:///{self.path}")
        event.listen(self.engine.sync_engine, "connect", _pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def create(self) -> None:
        """Create the tables that are missing."""
        async with self.engine.begin() as conn:
            await conn.run_sync(DemoBase.metadata.create_all)

    async def recreate(self) -> None:
        """Drop every table and create them empty (the landing page's 恢复示例数据)."""
        async with self.engine.begin() as conn:
            await conn.run_sync(DemoBase.metadata.drop_all)
            await conn.run_sync(DemoBase.metadata.create_all)

    def session(self) -> AsyncSession:
        """A new session (use as ``async with``)."""
        return self.sessions()

    async def close(self) -> None:
        """Release the connections."""
        await self.engine.dispose()


def _pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
