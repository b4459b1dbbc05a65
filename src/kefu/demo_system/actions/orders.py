"""Order actions: orders and payments, top-ups that were debited but not credited, and refunds."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from kefu.demo_system.actions.base import (
    NO_USER,
    ActionContext,
    BadParams,
    Params,
    Result,
    not_found,
    ok,
    refused,
    user_by_id,
    user_by_phone,
)
from kefu.demo_system.formats import add_working_days, china_date, iso, money
from kefu.demo_system.labels import ORDER_STATES, PAYMENT_STATES
from kefu.demo_system.store import Order, Refund, Shipment, ShipmentEvent, User

REFUND_DAYS = 3  # working days
RETURN_WINDOW = timedelta(days=7)
NO_ORDER = "未找到该订单，请核对订单号"


async def recent_orders(ctx: ActionContext, params: Params) -> Result:
    """A user's five latest orders (by user id or phone)."""
    user_id, phone = params.optional("user_id"), params.optional("phone")
    user: User | None
    if user_id is not None:
        user = await user_by_id(ctx.session, params.user_id())
    elif phone is not None:
        user = await user_by_phone(ctx.session, phone)
    else:
        raise BadParams("user_id", "user_id or phone is required")
    if user is None:
        return not_found(NO_USER)
    orders = await ctx.session.scalars(
        select(Order).where(Order.user_id == user.id).order_by(Order.created_at.desc()).limit(5)
    )
    return ok(
        {
            "orders": [
                {
                    "order_no": order.order_no,
                    "title": order.title,
                    "amount": money(order.amount_cents),
                    "currency": order.currency,
                    "state": order.state,
                    "state_text": ORDER_STATES[order.state],
                    "payment_state": order.payment_state,
                    "created_at": iso(order.created_at),
                }
                for order in orders
            ]
        }
    )


async def find_order(ctx: ActionContext, params: Params) -> Result:
    """One order with its payment state."""
    order = await _order(ctx, params)
    if order is None:
        return not_found(NO_ORDER)
    return ok(
        {
            "order_no": order.order_no,
            "title": order.title,
            "kind": order.kind,
            "amount": money(order.amount_cents),
            "currency": order.currency,
            "state": order.state,
            "state_text": ORDER_STATES[order.state],
            "payment_state": order.payment_state,
            "payment_text": PAYMENT_STATES[order.payment_state],
            "created_at": iso(order.created_at),
            "user_id": str(order.user_id),
        }
    )


async def redeliver(ctx: ActionContext, params: Params) -> Result:
    """Credit a top-up whose money was taken but never arrived."""
    order = await _order(ctx, params)
    if order is None:
        return not_found(NO_ORDER)
    if order.payment_state == "paid":
        return refused("already_credited", "该订单已到账，无需补发")
    if order.payment_state == "refunded":
        return refused("refunded", "该订单已退款，无法补发")
    if order.payment_state != "debited_not_credited":
        return refused("not_debited", "该订单未扣款成功，无需补发")
    order.payment_state, order.state, order.credited_at = "paid", "credited", ctx.now
    return ok({"credited_at": iso(ctx.now)}, "已补发到账")


async def request_refund(ctx: ActionContext, params: Params) -> Result:
    """Refund a paid order to the original payment method, when the rules allow it."""
    order = await _order(ctx, params)
    if order is None:
        return not_found(NO_ORDER)
    if order.payment_state == "refunded":
        return refused("already_refunded", "该订单已退款")
    if order.payment_state in ("failed", "pending"):
        return refused("not_paid", "该订单未支付成功，没有可退的款项")
    if order.kind != "goods" and order.payment_state == "paid":
        return refused("already_credited", "充值已到账，余额不支持原路退回")
    shipment = await ctx.session.get(Shipment, order.order_no)
    if shipment is not None and shipment.state == "in_transit":
        return refused("in_transit", "包裹正在运输中，请签收后申请退货退款，或拒收后自动退款")
    if shipment is not None and shipment.delivered_at and ctx.now - shipment.delivered_at > RETURN_WINDOW:
        return refused("past_refund_window", "已超过签收后 7 天无理由退货期限")
    if shipment is not None and shipment.state == "not_shipped":
        await ctx.session.execute(delete(ShipmentEvent).where(ShipmentEvent.order_no == order.order_no))
        await ctx.session.delete(shipment)
    day = china_date(ctx.now)
    prefix = f"TK{day:%Y%m%d}"
    taken = await ctx.session.scalar(
        select(func.count()).select_from(Refund).where(Refund.refund_no.like(prefix + "%"))
    )
    refund = Refund(
        refund_no=f"{prefix}{(taken or 0) + 1:03d}",
        order_no=order.order_no,
        amount_cents=order.amount_cents,
        created_at=ctx.now,
        expected_by=add_working_days(day, REFUND_DAYS),
    )
    ctx.session.add(refund)
    order.payment_state, order.state = "refunded", "refunded"
    return ok(
        {
            "refund_no": refund.refund_no,
            "amount": money(refund.amount_cents),
            "currency": order.currency,
            "expected_days": REFUND_DAYS,
            "expected_by": refund.expected_by.isoformat(),
        },
        f"退款已提交，预计 {REFUND_DAYS} 个工作日内原路退回",
    )


async def _order(ctx: ActionContext, params: Params) -> Order | None:
    order_no = params.text("order_no").replace(" ", "")
    return await ctx.session.get(Order, order_no) if order_no.isdigit() else None
