"""After-sales actions: warranty, new repair orders and their progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from kefu.demo_system import outbox
from kefu.demo_system.actions.base import (
    ActionContext,
    BadParams,
    Params,
    Result,
    normalise_phone,
    not_found,
    ok,
    refused,
)
from kefu.demo_system.formats import add_months, china_date, iso
from kefu.demo_system.labels import REPAIR_STATES
from kefu.demo_system.store import Device, ProductModel, Repair, RepairStep, User

SERVICE_CENTRE = "深圳市南山区科技园 示例科技售后中心（收件人：售后部，电话 400-820-8820）"


@dataclass(frozen=True, slots=True)
class _Warranty:
    model: str
    serial: str | None
    purchase_date: date | None
    until: date | None
    owner_id: int | None

    def covers(self, today: date) -> bool:
        return self.until is not None and today <= self.until


class _Unknown(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def warranty_check(ctx: ActionContext, params: Params) -> Result:
    """Whether a device is in warranty, from its serial number or its purchase date."""
    try:
        warranty = await _warranty(ctx, params)
    except _Unknown as exc:
        return not_found(exc.message)
    if warranty.until is None:
        return refused("purchase_date_required", "请提供购买日期或设备序列号")
    covered = warranty.covers(china_date(ctx.now))
    return ok(
        {
            "in_warranty": covered,
            "warranty_until": warranty.until.isoformat(),
            "model": warranty.model,
            "serial": warranty.serial,
            "purchase_date": warranty.purchase_date.isoformat() if warranty.purchase_date else None,
        },
        "在保修期内" if covered else "已过保修期",
    )


async def create_repair(ctx: ActionContext, params: Params) -> Result:
    """Open a repair order; the customer gets an SMS with its number and where to send the device."""
    fault = params.text("fault")[:200]
    try:
        warranty = await _warranty(ctx, params)
    except _Unknown as exc:
        return not_found(exc.message)
    phone = params.optional("phone")
    if phone is None and warranty.owner_id is not None:
        owner = await ctx.session.get(User, warranty.owner_id)
        phone = owner.phone if owner else None
    phone = normalise_phone(phone) if phone else None
    day = china_date(ctx.now)
    prefix = f"R{day:%Y%m%d}"
    taken = await ctx.session.scalar(
        select(func.count()).select_from(Repair).where(Repair.repair_no.like(prefix + "%"))
    )
    repair_no = f"{prefix}{(taken or 0) + 1:03d}"
    covered = warranty.covers(day)
    ctx.session.add(
        Repair(
            repair_no=repair_no,
            model=warranty.model,
            serial=warranty.serial,
            phone=phone,
            fault=fault,
            in_warranty=covered,
            state="received",
            created_at=ctx.now,
        )
    )
    await ctx.session.flush()  # the repair before its first step (no ORM relationship orders them)
    ctx.session.add(
        RepairStep(repair_no=repair_no, at=ctx.now, text=f"已受理报修（{fault}），请将设备寄至 {SERVICE_CENTRE}")
    )
    if phone:
        fee = "保修期内免费维修" if covered else "已过保修期，检测后报价，确认后再维修"
        outbox.send(
            ctx.session,
            ctx.now,
            "sms",
            phone,
            f"【示例科技】您的 {warranty.model} 报修已受理，维修单号 {repair_no}。{fee}。"
            f"请将设备寄至{SERVICE_CENTRE}，包裹内附上维修单号。",
        )
    return ok(
        {"repair_no": repair_no, "in_warranty": covered, "state": "received", "model": warranty.model},
        f"已创建维修单 {repair_no}",
    )


async def repair_progress(ctx: ActionContext, params: Params) -> Result:
    """A repair order's steps, by its number or the latest one of a phone number."""
    repair_no, phone = params.optional("repair_no"), params.optional("phone")
    repair: Repair | None
    if repair_no is not None:
        repair = await ctx.session.get(Repair, repair_no.upper())
    elif phone is not None:
        repair = await ctx.session.scalar(
            select(Repair).where(Repair.phone == normalise_phone(phone)).order_by(Repair.created_at.desc()).limit(1)
        )
    else:
        raise BadParams("repair_no", "repair_no or phone is required")
    if repair is None:
        return not_found("未找到维修单，请核对维修单号或手机号")
    steps = await ctx.session.scalars(
        select(RepairStep).where(RepairStep.repair_no == repair.repair_no).order_by(RepairStep.at, RepairStep.id)
    )
    return ok(
        {
            "repair_no": repair.repair_no,
            "model": repair.model,
            "fault": repair.fault,
            "in_warranty": repair.in_warranty,
            "state": repair.state,
            "state_text": REPAIR_STATES[repair.state],
            "steps": [{"time": iso(step.at), "text": step.text} for step in steps],
        }
    )


async def _warranty(ctx: ActionContext, params: Params) -> _Warranty:
    wanted = params.text("model").replace(" ", "").lower()
    models = {model.name.replace(" ", "").lower(): model for model in await ctx.session.scalars(select(ProductModel))}
    model = models.get(wanted)
    if model is None:
        raise _Unknown("未找到该型号，请核对设备型号")
    serial, bought = params.optional("serial"), params.day("purchase_date")
    owner_id = None
    if serial is not None:
        device = await ctx.session.get(Device, serial.upper())
        if device is None or device.model != model.name:
            raise _Unknown("未找到该序列号的设备，请核对序列号和型号")
        serial, bought, owner_id = device.serial, device.purchase_date, device.user_id
    if bought is not None and bought > china_date(ctx.now):
        raise BadParams("purchase_date", "is in the future")
    until = add_months(bought, model.warranty_months) - timedelta(days=1) if bought else None
    return _Warranty(model.name, serial, bought, until, owner_id)
