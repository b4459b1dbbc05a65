"""The pages a person trying the demo reads: what the company's system holds, the outbox, reset links."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select

from kefu.demo_system.formats import add_months, china_date, money, shown
from kefu.demo_system.labels import ORDER_STATES, PAYMENT_STATES, REPAIR_STATES, SHIPMENT_STATES, TRANSFER_STATES
from kefu.demo_system.store import Device, Order, ProductModel, Repair, ResetLink, Shipment, Transfer, User
from kefu.demo_system.system import system_of

router = APIRouter(include_in_schema=False)
_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    auto_reload=False,
)


@router.get("/", response_class=HTMLResponse)
async def landing(request: Request) -> HTMLResponse:
    """What the demo system holds, and what to type in kefu's chat for each journey."""
    system = system_of(request)
    today = china_date(system.clock.now())
    async with system.store.session() as session:
        users = list(await session.scalars(select(User).order_by(User.id)))
        names = {user.id: user.name for user in users}
        orders = list(await session.scalars(select(Order).order_by(Order.order_no)))
        shipments = {s.order_no: s for s in await session.scalars(select(Shipment))}
        transfers = list(await session.scalars(select(Transfer).order_by(Transfer.submitted_at.desc())))
        models = {m.name: m for m in await session.scalars(select(ProductModel))}
        devices = list(await session.scalars(select(Device).order_by(Device.serial)))
        repairs = list(await session.scalars(select(Repair).order_by(Repair.created_at.desc())))
    view: dict[str, Any] = {
        "base_url": str(request.base_url).rstrip("/"),
        "faults": system.faults.as_json(),
        "users": [
            {"id": u.id, "name": u.name, "phone": u.phone, "email": u.email, "frozen": u.frozen_at is not None}
            for u in users
        ],
        "orders": [
            {
                "no": o.order_no,
                "user": names.get(o.user_id, ""),
                "title": o.title,
                "amount": f"{money(o.amount_cents)} {'元' if o.currency == 'CNY' else o.currency}",
                "state": ORDER_STATES[o.state],
                "payment": o.payment_state,
                "payment_text": PAYMENT_STATES[o.payment_state],
                "shipment": _shipment_text(shipments.get(o.order_no), system.clock.now()),
                "created": shown(o.created_at),
            }
            for o in orders
        ],
        "transfers": [
            {
                "hash": t.tx_hash,
                "amount": f"{t.amount} {t.asset}",
                "confirmations": f"{t.confirmations}/{t.required_confirmations}",
                "state": t.state,
                "state_text": TRANSFER_STATES[t.state],
                "order": t.order_no or "—",
                "user": names.get(t.user_id, ""),
            }
            for t in transfers
        ],
        "devices": [
            {
                "serial": d.serial,
                "model": d.model,
                "user": names.get(d.user_id, ""),
                "bought": d.purchase_date.isoformat(),
                "in_warranty": today <= _until(d, models),
            }
            for d in devices
        ],
        "repairs": [
            {
                "no": r.repair_no,
                "model": r.model,
                "phone": r.phone or "—",
                "fault": r.fault,
                "state": REPAIR_STATES[r.state],
                "created": shown(r.created_at),
            }
            for r in repairs
        ],
    }
    return HTMLResponse(_templates.get_template("index.html").render(**view))


@router.get("/outbox", response_class=HTMLResponse)
async def outbox_page() -> HTMLResponse:
    """The SMS and e-mails sent, refreshed every two seconds by ``static/outbox.js``."""
    return HTMLResponse(_templates.get_template("outbox.html").render())


@router.get("/reset", response_class=HTMLResponse)
async def reset_page(request: Request, token: str = "") -> HTMLResponse:
    """Where a reset link leads: says whether the link is still good (setting a password is out of scope)."""
    system = system_of(request)
    async with system.store.session() as session:
        link = await session.get(ResetLink, token) if token else None
        user = await session.get(User, link.user_id) if link else None
    state = "unknown" if link is None else ("expired" if system.clock.now() >= link.expires_at else "valid")
    html = _templates.get_template("reset.html").render(state=state, name=user.name if user else "")
    return HTMLResponse(html, status_code=200 if state == "valid" else 410 if state == "expired" else 404)


def _until(device: Device, models: dict[str, ProductModel]) -> date:
    return add_months(device.purchase_date, models[device.model].warranty_months) - timedelta(days=1)


def _shipment_text(shipment: Shipment | None, now: datetime) -> str:
    if shipment is None:
        return "—"
    text = SHIPMENT_STATES[shipment.state]
    if shipment.state != "delivered" and now > shipment.promised_by:
        text += "（已超时）"
    return text
