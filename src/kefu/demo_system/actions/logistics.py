"""Transfers on chain and parcels on the road: where is my money, where is my parcel."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from kefu.demo_system.actions.base import ActionContext, BadParams, Params, Result, not_found, ok, refused
from kefu.demo_system.formats import iso
from kefu.demo_system.labels import SHIPMENT_STATES, TRANSFER_STATES
from kefu.demo_system.store import Order, Shipment, ShipmentEvent, Transfer

TX_HASH = re.compile(r"0x[0-9a-f]{64}")
URGED_PROMISE = timedelta(days=1)


async def transfer_status(ctx: ActionContext, params: Params) -> Result:
    """A wallet transfer by its hash, or the transfer that paid an order."""
    tx_hash, order_no = params.optional("tx_hash"), params.optional("order_no")
    transfer: Transfer | None
    if tx_hash is not None:
        tx_hash = tx_hash.lower()
        transfer = await ctx.session.get(Transfer, tx_hash) if TX_HASH.fullmatch(tx_hash) else None
    elif order_no is not None:
        transfer = await ctx.session.scalar(select(Transfer).where(Transfer.order_no == order_no))
    else:
        raise BadParams("tx_hash", "tx_hash or order_no is required")
    if transfer is None:
        return not_found("未找到该笔转账，请核对交易哈希")
    return ok(
        {
            "tx_hash": transfer.tx_hash,
            "amount": transfer.amount,
            "asset": transfer.asset,
            "confirmations": transfer.confirmations,
            "required_confirmations": transfer.required_confirmations,
            "state": transfer.state,
            "state_text": TRANSFER_STATES[transfer.state],
            "submitted_at": iso(transfer.submitted_at),
            "order_no": transfer.order_no,
        }
    )


async def shipment_status(ctx: ActionContext, params: Params) -> Result:
    """A parcel's state, promise and tracking history (oldest event first)."""
    shipment = await _shipment(ctx, params)
    if shipment is None:
        return not_found("该订单没有物流信息")
    events = await ctx.session.scalars(
        select(ShipmentEvent).where(ShipmentEvent.order_no == shipment.order_no).order_by(ShipmentEvent.at)
    )
    return ok(
        {
            "state": shipment.state,
            "state_text": SHIPMENT_STATES[shipment.state],
            "carrier": shipment.carrier,
            "tracking_no": shipment.tracking_no,
            "promised_by": iso(shipment.promised_by),
            "overdue": shipment.state != "delivered" and ctx.now > shipment.promised_by,
            "delivered_at": iso(shipment.delivered_at) if shipment.delivered_at else None,
            "events": [{"time": iso(event.at), "text": event.text} for event in events],
        }
    )


async def urge_shipment(ctx: ActionContext, params: Params) -> Result:
    """Ask the warehouse or carrier to hurry; a late parcel gets a new promise of one day."""
    shipment = await _shipment(ctx, params)
    if shipment is None:
        return not_found("该订单没有物流信息")
    if shipment.state == "delivered":
        return refused("delivered", "包裹已签收")
    if shipment.urged_at is None:
        shipment.urged_at = ctx.now
        shipment.promised_by = max(shipment.promised_by, ctx.now + URGED_PROMISE)
        text = "客户催单：已通知仓库优先出库" if shipment.state == "not_shipped" else "客户催单：已联系快递加急派送"
        ctx.session.add(ShipmentEvent(order_no=shipment.order_no, at=ctx.now, text=text))
        return ok({"promised_by": iso(shipment.promised_by), "already_urged": False}, "已催促，将尽快处理")
    return ok({"promised_by": iso(shipment.promised_by), "already_urged": True}, "已催促过，正在加急处理")


async def _shipment(ctx: ActionContext, params: Params) -> Shipment | None:
    order_no = params.text("order_no").replace(" ", "")
    if not order_no.isdigit() or await ctx.session.get(Order, order_no) is None:
        return None
    return await ctx.session.get(Shipment, order_no)
