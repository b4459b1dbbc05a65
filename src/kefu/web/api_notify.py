"""Notifications to customers: the admin view of the outbox, staff setting a customer's addresses,
and the pages behind the links in e-mails (unsubscribe, confirm an address) that need no login."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from kefu.notify import actions
from kefu.web.deps import AgentDep, CtxDep
from kefu.web.pages import page_locale, templates
from kefu.web.schemas import Strict

router = APIRouter(tags=["notifications"])
pages = APIRouter(include_in_schema=False)


class NotificationOut(BaseModel):
    """An e-mail or SMS to a customer and how its delivery went."""

    id: int
    kind: str = Field(description="leave_answered, ticket_created, ticket_replied, ticket_pending, ticket_resolved …")
    channel: Literal["email", "sms"]
    customer_id: int | None
    recipient: str
    locale: str
    subject: str
    status: Literal["pending", "sending", "sent", "failed"]
    attempts: int
    next_attempt_at: str
    last_error: str | None
    sent_at: str | None
    created_at: str
    ref: str = Field(description="what it is about, e.g. ticket:T20261202-0001:ticket_created or leave:12")


class NotificationListOut(BaseModel):
    """The newest notifications first."""

    notifications: list[NotificationOut]


class ContactIn(Strict):
    """A customer's addresses: a field left out stays as it is; an empty string clears an address."""

    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    email_verified: bool | None = None
    phone_verified: bool | None = None
    notify_opt_out: bool | None = None


class ContactOut(BaseModel):
    """Where the customer may be notified (only verified addresses are used, never after opting out)."""

    customer_id: int
    email: str | None
    email_verified: bool
    phone: str | None
    phone_verified: bool
    notify_opt_out: bool


@router.get("/api/v1/notifications", response_model=NotificationListOut)
async def list_notifications(
    agent: AgentDep,
    ctx: CtxDep,
    status: Annotated[str | None, Query(description="pending, sending, sent or failed")] = None,
    customer_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=actions.MAX_LISTED)] = 100,
) -> dict[str, Any]:
    """Recent notifications with their status, attempts and last error (supervisors and admins)."""
    rows = await actions.recent(ctx, agent, status=status, customer_id=customer_id, limit=limit)
    return {"notifications": [row.to_dict() for row in rows]}


@router.put("/api/v1/customers/{customer_id}/contact", response_model=ContactOut)
async def set_contact(customer_id: int, body: ContactIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Set or confirm a customer's e-mail and phone, or record their opt-out (an agent serving them,
    supervisors, admins)."""
    view = await actions.set_contact(ctx, agent, customer_id, **body.model_dump(exclude_unset=True))
    return view.to_dict()


def _page(request: Request, ctx: Any, ok: bool, code: str, status: int = 200, **params: str) -> HTMLResponse:
    locale = page_locale(request)
    text = ctx.texts.render(code if ok else "notify.page.invalid", locale, "web", **(params if ok else {}))
    response = templates.TemplateResponse(
        request, "notify.html", {"locale": locale, "text": text, "ok": ok}, status_code=status if ok else 400
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    return response


@pages.get("/notify/unsubscribe")
@pages.post("/notify/unsubscribe")  # RFC 8058 one-click unsubscribe from the List-Unsubscribe header
async def unsubscribe(request: Request, ctx: CtxDep, token: Annotated[str, Query(max_length=600)] = "") -> HTMLResponse:
    """Opt out of every notification, and say so."""
    return _page(request, ctx, await actions.unsubscribe(ctx, token), "notify.page.unsubscribed")


@pages.get("/notify/verify")
async def verify(request: Request, ctx: CtxDep, token: Annotated[str, Query(max_length=600)] = "") -> HTMLResponse:
    """Confirm the e-mail address the link was sent to."""
    email = await actions.verify_email(ctx, token)
    return _page(request, ctx, email is not None, "notify.page.verified", email=email or "")
