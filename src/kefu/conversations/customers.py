"""Customers: the web visitor's signed identity and profile."""

from __future__ import annotations

from dataclasses import dataclass

from kefu.context import Context
from kefu.errors import InvalidInput, NotAuthenticated
from kefu.security import tokens
from kefu.security.principals import CustomerPrincipal
from kefu.storage.repositories import customers as customer_repo
from kefu.storage.tables import Customer, CustomerIdentity

MAX_NAME_CHARS = 100
WEB = "web"


@dataclass(frozen=True, slots=True)
class VisitorSession:
    """A web visitor's token and who it stands for."""

    token: str
    principal: CustomerPrincipal


def clean_name(name: str) -> str:
    """A display name stripped and checked for length."""
    name = name.strip()
    if len(name) > MAX_NAME_CHARS:
        raise InvalidInput(f"name is longer than {MAX_NAME_CHARS} characters", code="name_too_long")
    return name


async def open_visitor(ctx: Context, token: str | None, name: str | None = None) -> VisitorSession:
    """Return the visitor behind a valid token, or register a new visitor with a fresh token."""
    secret = ctx.settings.secret_key
    async with ctx.uow() as uow:
        visitor_id = tokens.read_visitor_token(secret, token) if token else None
        customer = await customer_repo.find_by_identity(uow.session, WEB, visitor_id) if visitor_id else None
        if customer is None or token is None:
            visitor_id, token = tokens.new_visitor_token(secret)
            now = ctx.clock.now()
            customer = Customer(display_name="", created_at=now)
            uow.session.add(customer)
            await uow.session.flush()
            uow.session.add(
                CustomerIdentity(customer_id=customer.id, channel=WEB, external_id=visitor_id, created_at=now)
            )
        if name is not None:
            customer.display_name = clean_name(name)
        if not customer.display_name:
            customer.display_name = f"访客{customer.id}"
        principal = CustomerPrincipal(customer.id, customer.display_name, WEB)
        await uow.commit()
    return VisitorSession(token, principal)


async def resolve_visitor(ctx: Context, token: str) -> CustomerPrincipal:
    """The customer behind a visitor token; NotAuthenticated if forged or unknown."""
    visitor_id = tokens.read_visitor_token(ctx.settings.secret_key, token)
    if visitor_id is None:
        raise NotAuthenticated("invalid visitor token", code="bad_visitor_token")
    async with ctx.uow() as uow:
        customer = await customer_repo.find_by_identity(uow.session, WEB, visitor_id)
        if customer is None:
            raise NotAuthenticated("unknown visitor", code="bad_visitor_token")
        return CustomerPrincipal(customer.id, customer.display_name, WEB)


async def rename(ctx: Context, customer: CustomerPrincipal, name: str) -> CustomerPrincipal:
    """Set the customer's display name (shown to agents; always escaped when rendered)."""
    cleaned = clean_name(name)
    if not cleaned:
        raise InvalidInput("name is empty", code="name_empty")
    async with ctx.uow() as uow:
        row = await customer_repo.get_customer(uow.session, customer.customer_id)
        if row is None:
            raise NotAuthenticated("unknown visitor", code="bad_visitor_token")
        row.display_name = cleaned
        await uow.commit()
    return CustomerPrincipal(customer.customer_id, cleaned, customer.channel)
