"""The demo company's data: the same records every time, placed in time relative to the clock.

Numbers (phones, order numbers, hashes, serials, repair numbers) are fixed so docs/demo.md can say what
to type; times are offsets from "now" so an overdue parcel stays overdue and a device bought four
months ago stays in warranty whenever the demo runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.demo_system.formats import china_date
from kefu.demo_system.store import (
    Device,
    Login,
    Order,
    ProductModel,
    Refund,
    Repair,
    RepairStep,
    Shipment,
    ShipmentEvent,
    Transfer,
    User,
)

TX_CONFIRMED = "0x77d5f2183fe214975a15584c16ddbe4554e0aca835a6d7cdd8979da1a41d07cc"
TX_PENDING = "0x2744c8c3b748d5cdf42e5cada4f7111eaad5c64ba16a408c759b64814937c5dd"
TX_STUCK = "0xcefad571222c6bee9d43af98d24e58e8db68fee996d4e9bb95998a02f6904c85"
TX_FAILED = "0xae659a2b5908ec79cff61397d0ac52ef8158b475061d7363a7135ea5755355db"
SEED_REPAIR_NO = "R20261125001"


@dataclass(frozen=True, slots=True)
class SeedUser:
    """A demo customer."""

    id: int
    name: str
    phone: str
    email: str


USERS = (
    SeedUser(100001, "张伟", "13800138000", "zhangwei@example.com"),
    SeedUser(100002, "李娜", "13900139000", "lina@example.com"),
    SeedUser(100003, "王芳", "13700137000", "wangfang@example.com"),
    SeedUser(100004, "刘洋", "13600136000", "liuyang@example.com"),
    SeedUser(100005, "陈静", "13500135000", "chenjing@example.com"),
    SeedUser(100006, "赵磊", "18600186000", "zhaolei@example.com"),
)
SH_IP, BJ_IP, SZ_IP, ABROAD_IP = "101.89.23.145", "123.125.71.38", "183.14.132.117", "185.220.101.47"
# (user, hours ago, place, device, ip, still signed in)
LOGINS = (
    (100001, 0.5, "上海", "iPhone 15", SH_IP, True),
    (100001, 3, "海外", "Android", ABROAD_IP, True),
    (100001, 26, "上海", "Windows PC", SH_IP, True),
    (100001, 75, "北京", "iPhone 15", BJ_IP, False),
    (100002, 2.5, "北京", "iPhone 15", BJ_IP, True),
    (100002, 50, "北京", "Windows PC", BJ_IP, False),
    (100003, 1, "深圳", "Android", SZ_IP, True),
    (100003, 30, "深圳", "Windows PC", SZ_IP, True),
    (100004, 6, "上海", "Android", SH_IP, True),
    (100005, 4, "深圳", "iPhone 15", SZ_IP, True),
    (100005, 8, "海外", "Windows PC", ABROAD_IP, False),
    (100006, 12, "深圳", "Windows PC", SZ_IP, True),
)
# (order_no, user, title, kind, cents, currency, state, payment_state, days ago)
ORDERS = (
    ("202612010001", 100001, "K1 Pro 智能手表 曜石黑", "goods", 129900, "CNY", "shipped", "paid", 5),
    (
        "202612010002",
        100002,
        "账户充值 648 元",
        "recharge",
        64800,
        "CNY",
        "awaiting_credit",
        "debited_not_credited",
        0.1,
    ),
    ("202612010003", 100002, "年度会员", "membership", 19800, "CNY", "payment_failed", "failed", 1),
    ("202612010004", 100002, "K2 无线耳机 珍珠白", "goods", 39900, "CNY", "refunded", "refunded", 20),
    ("202612010005", 100005, "K3 Max 扫地机器人", "goods", 249900, "CNY", "to_ship", "paid", 4),
    ("202612010006", 100003, "USDT 充值", "recharge", 50000, "USDT", "credited", "paid", 1),
    ("202612010007", 100003, "USDT 充值", "recharge", 20000, "USDT", "awaiting_payment", "pending", 0.01),
    ("202612010008", 100006, "K1 Pro 智能手表 星光银", "goods", 129900, "CNY", "delivered", "paid", 15),
)
MODELS = (("K1 Pro", "智能手表", 12), ("K2", "无线耳机", 12), ("K3 Max", "扫地机器人", 12))
# (serial, model, user, days since purchase)
DEVICES = (
    ("SN10K1P04571", "K1 Pro", 100004, 130),
    ("SN20K2009812", "K2", 100004, 420),
    ("SN30K3M12036", "K3 Max", 100005, 30),
    ("SN10K1P07788", "K1 Pro", 100006, 12),
)


async def seed_if_empty(session: AsyncSession, now: datetime) -> bool:
    """Load the demo data unless the store already holds it; True when it was loaded."""
    if await session.scalar(select(func.count()).select_from(User)):
        return False
    await seed(session, now)
    await session.commit()
    return True


async def seed(session: AsyncSession, now: datetime) -> None:
    """Add every demo record to ``session`` (the caller commits); parents are flushed before children."""

    def ago(days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
        return now - timedelta(days=days, hours=hours, minutes=minutes)

    for user in USERS:
        session.add(User(id=user.id, name=user.name, phone=user.phone, email=user.email, created_at=ago(400)))
    for name, category, months in MODELS:
        session.add(ProductModel(name=name, category=category, warranty_months=months))
    await session.flush()
    for user_id, hours, place, device, ip, active in LOGINS:
        session.add(Login(user_id=user_id, at=ago(hours=hours), place=place, device=device, ip=ip, active=active))
    for order_no, user_id, title, kind, cents, currency, state, payment, days in ORDERS:
        session.add(
            Order(
                order_no=order_no,
                user_id=user_id,
                title=title,
                kind=kind,
                amount_cents=cents,
                currency=currency,
                state=state,
                payment_state=payment,
                created_at=ago(days),
                credited_at=ago(days) + timedelta(minutes=1) if order_no == "202612010006" else None,
            )
        )
    await session.flush()
    session.add(
        Refund(
            refund_no=f"TK{china_date(ago(19)):%Y%m%d}001",
            order_no="202612010004",
            amount_cents=39900,
            created_at=ago(19),
            expected_by=china_date(ago(16)),
        )
    )
    await _shipments(session, ago)
    _transfers(session, ago)
    for serial, model, user_id, days in DEVICES:
        session.add(Device(serial=serial, model=model, user_id=user_id, purchase_date=china_date(ago(days))))
    await _repairs(session, ago)


class _Ago(Protocol):
    """``ago(days, hours, minutes)``: an instant that long before now."""

    def __call__(self, days: float = 0, hours: float = 0, minutes: float = 0) -> datetime: ...


async def _shipments(session: AsyncSession, ago: _Ago) -> None:
    session.add_all(
        [
            Shipment(
                order_no="202612010001",
                state="in_transit",
                carrier="顺丰速运",
                tracking_no="SF1402781234567",
                promised_by=ago(1),
            ),
            Shipment(order_no="202612010005", state="not_shipped", promised_by=ago(2)),
            Shipment(
                order_no="202612010008",
                state="delivered",
                carrier="中通快递",
                tracking_no="ZT7531902468135",
                promised_by=ago(12),
                delivered_at=ago(12, hours=2),
            ),
        ]
    )
    await session.flush()
    for order_no, when, text in (
        ("202612010001", ago(4, hours=6), "【深圳市】顺丰速运 已收取快件"),
        ("202612010001", ago(4), "【深圳市】快件已发往 上海浦东转运中心"),
        ("202612010001", ago(3), "【上海市】快件到达 上海浦东转运中心"),
        ("202612010001", ago(2, hours=20), "【上海市】转运中心件量较大，快件滞留，正在加急处理"),
        ("202612010008", ago(14), "【杭州市】中通快递 已揽收"),
        ("202612010008", ago(13), "【深圳市】快件到达 深圳南山分部"),
        ("202612010008", ago(12, hours=2), "【深圳市】已签收，签收人：本人"),
    ):
        session.add(ShipmentEvent(order_no=order_no, at=when, text=text))


def _transfers(session: AsyncSession, ago: _Ago) -> None:
    for tx_hash, order_no, amount, confirmations, state, when in (
        (TX_CONFIRMED, "202612010006", "500.00", 12, "confirmed", ago(1)),
        (TX_PENDING, "202612010007", "200.00", 3, "pending", ago(minutes=12)),
        (TX_STUCK, None, "1000.00", 0, "stuck", ago(hours=6)),
        (TX_FAILED, None, "50.00", 0, "failed", ago(2)),
    ):
        session.add(
            Transfer(
                tx_hash=tx_hash,
                user_id=100003,
                order_no=order_no,
                amount=amount,
                asset="USDT",
                confirmations=confirmations,
                required_confirmations=12,
                state=state,
                submitted_at=when,
            )
        )


async def _repairs(session: AsyncSession, ago: _Ago) -> None:
    session.add(
        Repair(
            repair_no=SEED_REPAIR_NO,
            model="K1 Pro",
            serial="SN10K1P04571",
            phone="13600136000",
            fault="屏幕无法点亮",
            in_warranty=True,
            state="repairing",
            created_at=ago(7),
        )
    )
    await session.flush()
    for when, text in (
        (ago(7), "已受理报修，请将设备寄至 深圳市南山区科技园 示例科技售后中心"),
        (ago(5), "售后中心已签收您的设备"),
        (ago(4), "检测完成：屏幕排线故障，在保修期内，免费维修"),
        (ago(2), "维修中：屏幕配件已到货，预计 2 个工作日内修好寄回"),
    ):
        session.add(RepairStep(repair_no=SEED_REPAIR_NO, at=when, text=text))
