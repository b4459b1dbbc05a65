"""The web visitor's own endpoints: get a signed token, set a name, open a conversation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from kefu.channels import web as web_channel
from kefu.conversations import actions, customers
from kefu.errors import PermissionDenied
from kefu.security.principals import CustomerPrincipal
from kefu.texts import Phrase
from kefu.web.deps import CtxDep, PrincipalDep
from kefu.web.responses import ConversationEnvelope, CustomerEnvelope, VisitorSessionOut
from kefu.web.schemas import ConversationOpenIn, VisitorProfileIn, VisitorSessionIn

router = APIRouter(prefix="/api/v1/visitor", tags=["visitor"])


def _customer(principal: object) -> CustomerPrincipal:
    if not isinstance(principal, CustomerPrincipal):
        raise PermissionDenied("visitor token required")
    return principal


def visitor_dict(token: str, customer: CustomerPrincipal) -> dict[str, Any]:
    """A visitor session as returned to the widget."""
    return {"token": token, "customer": {"id": customer.customer_id, "name": customer.display_name}}


@router.post("/session", response_model=VisitorSessionOut)
async def open_session(body: VisitorSessionIn, ctx: CtxDep, request: Request) -> dict[str, Any]:
    """Resume the visitor behind ``token`` or start a new one; returns the (possibly new) token and the
    welcome text in the widget's ``lang``."""
    visitor = await web_channel.open_visitor(ctx, body.token, body.name)
    locale = ctx.texts.locale_for(body.lang)
    # The page's skill group (``data-group`` on the embed script) may have its own welcome.
    welcome = ctx.texts.say(Phrase("chat.welcome"), locale, visitor.principal.channel, body.group_id)
    menu = [{"label": item.label, "send": item.label} for item in request.app.state.flows.library.menu(locale)]
    return {**visitor_dict(visitor.token, visitor.principal), "locale": locale, "welcome": welcome, "menu": menu}


@router.patch("/me", response_model=CustomerEnvelope)
async def update_me(body: VisitorProfileIn, principal: PrincipalDep, ctx: CtxDep) -> dict[str, Any]:
    """Change the visitor's display name."""
    visitor = await customers.rename(ctx, _customer(principal), body.name)
    return {"customer": {"id": visitor.customer_id, "name": visitor.display_name}}


@router.post("/conversations", response_model=ConversationEnvelope)
async def open_conversation(
    principal: PrincipalDep, ctx: CtxDep, body: ConversationOpenIn | None = None
) -> dict[str, Any]:
    """The visitor's open conversation, created if there is none (in ``lang``, else the organisation's language)."""
    lang = body.lang if body is not None else None
    view = await actions.open_conversation(ctx, _customer(principal), locale=lang)
    return {"conversation": view.to_dict()}
