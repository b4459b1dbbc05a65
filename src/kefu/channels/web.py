"""The web widget channel: visitors identified by a signed token, delivered live over the hub.

The widget talks to kefu's REST and WebSocket API directly (it is the reference client of that API),
draws every structured part (suggestions, quick replies, buttons, feedback, images) itself, and
receives messages from the hub; so this channel's sender has nothing to do.
"""

from __future__ import annotations

from dataclasses import dataclass

from kefu.channels.base import Outbound
from kefu.context import Context
from kefu.conversations import customers
from kefu.errors import NotAuthenticated
from kefu.security import tokens
from kefu.security.principals import CustomerPrincipal

NAME = "web"


@dataclass(frozen=True, slots=True)
class VisitorSession:
    """A web visitor's token and who it stands for."""

    token: str
    principal: CustomerPrincipal


async def open_visitor(ctx: Context, token: str | None, name: str | None = None) -> VisitorSession:
    """Return the visitor behind a valid token, or register a new visitor with a fresh token."""
    secret = ctx.settings.secret_key
    visitor_id = tokens.read_visitor_token(secret, token) if token else None
    if token is None or visitor_id is None or await customers.known(ctx, NAME, visitor_id) is None:
        visitor_id, token = tokens.new_visitor_token(secret)
    principal = await customers.identify(ctx, NAME, visitor_id, name=name)
    return VisitorSession(token, principal)


async def resolve_visitor(ctx: Context, token: str) -> CustomerPrincipal:
    """The customer behind a visitor token; NotAuthenticated if forged or unknown."""
    visitor_id = tokens.read_visitor_token(ctx.settings.secret_key, token)
    if visitor_id is None:
        raise NotAuthenticated("invalid visitor token", code="bad_visitor_token")
    principal = await customers.known(ctx, NAME, visitor_id)
    if principal is None:
        raise NotAuthenticated("unknown visitor", code="bad_visitor_token")
    return principal


class WebChannel:
    """The widget on the company's site (and in apps' WebViews)."""

    name = NAME
    live = True

    async def send(self, ctx: Context, message: Outbound) -> None:
        """Nothing to do: the hub delivers to the widget's WebSocket on every node."""
