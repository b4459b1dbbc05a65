"""JSON routes besides the actions: the outbox, the fault switch and resetting the demo data.

The fault switch and the reset change how the system behaves, so only a client on this machine may
use them; the outbox is read-only demo data.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field

from kefu.demo_system import ACTIONS, outbox
from kefu.demo_system.faults import MAX_DELAY_S, is_loopback
from kefu.demo_system.seed import seed_if_empty
from kefu.demo_system.system import system_of

router = APIRouter()
ALL_ACTIONS = "*"


class ActionAnswer(BaseModel):
    """An action's answer (HTTP 200 for all three outcomes; 401 bad signature, 422 bad parameters)."""

    outcome: Literal["ok", "not_found", "refused"]
    data: dict[str, Any]
    message: str | None = None


class OutboxMessageOut(BaseModel):
    """An SMS or e-mail the demo system sent."""

    id: int
    channel: Literal["sms", "email"]
    to: str
    subject: str | None
    text: str
    code: str | None
    link: str | None
    created_at: str


class OutboxOut(BaseModel):
    """The newest messages first."""

    messages: list[OutboxMessageOut]


class FaultIn(BaseModel):
    """Make ``action`` (or ``*``: every action) answer HTTP 500, or sleep ``delay_s`` first."""

    action: str
    mode: Literal["none", "error", "slow"]
    delay_s: float = Field(default=0.0, ge=0, le=MAX_DELAY_S)


class FaultsOut(BaseModel):
    """The faults in force, by action."""

    faults: dict[str, dict[str, Any]]


@router.get("/api/outbox", response_model=OutboxOut, tags=["outbox"])
async def list_outbox(
    request: Request,
    to: str | None = Query(default=None, description="只看发给这个手机号或邮箱的"),
    limit: int = Query(default=50, ge=1, le=outbox.MAX_LISTED),
) -> dict[str, Any]:
    """The SMS and e-mails sent, newest first."""
    async with system_of(request).store.session() as session:
        return {"messages": await outbox.latest(session, to, limit)}


class SmsIn(BaseModel):
    """An SMS kefu sends a customer (its notifications, ``KEFU_SMS_PROVIDER=demo``)."""

    to: str = Field(min_length=1, max_length=32)
    text: str = Field(min_length=1, max_length=1000)
    kind: str = Field(default="", max_length=32)


class SmsOut(BaseModel):
    """The SMS as kept in the outbox."""

    id: int


@router.post("/api/sms", response_model=SmsOut, tags=["outbox"])
async def send_sms(request: Request) -> dict[str, Any]:
    """The demo 'SMS gateway' for kefu's notifications: a signed request (like the actions) is kept in
    the outbox, so /outbox shows it."""
    system = system_of(request)
    raw = await request.body()
    if not system.gateway.genuine(raw, request):
        raise HTTPException(401, "bad signature")
    try:
        sms = SmsIn.model_validate_json(raw)
    except ValueError:
        raise HTTPException(422, "expected {to, text, kind}") from None
    async with system.store.session() as session:
        message_id = await outbox.send_returning_id(session, system.clock.now(), "sms", sms.to.strip(), sms.text)
        await session.commit()
    return {"id": message_id}


@router.get("/api/faults", response_model=FaultsOut, tags=["faults"])
async def list_faults(request: Request) -> dict[str, Any]:
    """The faults in force."""
    return {"faults": system_of(request).faults.as_json()}


@router.post("/api/faults", response_model=FaultsOut, tags=["faults"])
async def set_fault(fault: FaultIn, request: Request) -> dict[str, Any]:
    """Switch a fault on or off (from this machine only)."""
    _require_loopback(request)
    if fault.action != ALL_ACTIONS and fault.action not in ACTIONS:
        raise HTTPException(422, f"unknown action {fault.action!r}")
    faults = system_of(request).faults
    for name in ACTIONS if fault.action == ALL_ACTIONS else (fault.action,):
        faults.set(name, fault.mode, fault.delay_s)
    return {"faults": faults.as_json()}


@router.post("/api/reset", response_model=FaultsOut, tags=["faults"])
async def reset(request: Request) -> dict[str, Any]:
    """Put the demo data back as seeded, empty the outbox and switch every fault off (this machine only)."""
    _require_loopback(request)
    system = system_of(request)
    async with system.gateway.lock:
        await system.store.recreate()
        async with system.store.session() as session:
            await seed_if_empty(session, system.clock.now())
    system.faults.clear()
    return {"faults": {}}


def _require_loopback(request: Request) -> None:
    if not is_loopback(request.client.host if request.client else None):
        raise HTTPException(403, "only from this machine")
