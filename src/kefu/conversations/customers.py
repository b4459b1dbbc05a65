"""Customers: one person, known to each channel by that channel's own id (a visitor id, an OpenID …).

Channel adapters identify customers through :func:`identify`; nothing here knows any one channel.
"""

from __future__ import annotations

from kefu.context import Context
from kefu.errors import InvalidInput, NotAuthenticated, NotFound
from kefu.security.access import may_see_customer
from kefu.security.principals import AgentPrincipal, CustomerPrincipal
from kefu.storage.repositories import customers as customer_repo
from kefu.storage.tables import Customer, CustomerIdentity

MAX_NAME_CHARS = 100
MAX_EXTERNAL_ID_CHARS = 200


def clean_name(name: str) -> str:
    """A display name stripped and checked for length."""
    name = name.strip()
    if len(name) > MAX_NAME_CHARS:
        raise InvalidInput(f"name is longer than {MAX_NAME_CHARS} characters", code="name_too_long")
    return name


async def identify(ctx: Context, channel: str, external_id: str, *, name: str | None = None) -> CustomerPrincipal:
    """The customer ``channel`` knows as ``external_id``, registered on first contact.

    ``name`` (when given) becomes the display name; a customer without one is called 访客<id>.
    """
    if not external_id or len(external_id) > MAX_EXTERNAL_ID_CHARS:
        raise InvalidInput("a customer's channel id must be 1–200 characters", code="bad_external_id")
    async with ctx.uow() as uow:
        customer = await customer_repo.find_by_identity(uow.session, channel, external_id)
        if customer is None:
            now = ctx.clock.now()
            customer = Customer(display_name="", created_at=now)
            uow.session.add(customer)
            await uow.session.flush()
            identity = CustomerIdentity(
                customer_id=customer.id, channel=channel, external_id=external_id, created_at=now
            )
            uow.session.add(identity)
        if name is not None:
            customer.display_name = clean_name(name)
        if not customer.display_name:
            customer.display_name = ctx.texts.render("customer.visitor_name", ctx.texts.default_locale, id=customer.id)
        principal = CustomerPrincipal(customer.id, customer.display_name, channel)
        await uow.commit()
    return principal


async def known(ctx: Context, channel: str, external_id: str) -> CustomerPrincipal | None:
    """The customer ``channel`` knows as ``external_id``, or None (nobody is registered)."""
    async with ctx.uow() as uow:
        customer = await customer_repo.find_by_identity(uow.session, channel, external_id)
        if customer is None:
            return None
        return CustomerPrincipal(customer.id, customer.display_name, channel)


async def rename(ctx: Context, customer: CustomerPrincipal, name: str) -> CustomerPrincipal:
    """Set the customer's display name (shown to agents; always escaped when rendered)."""
    cleaned = clean_name(name)
    if not cleaned:
        raise InvalidInput("name is empty", code="name_empty")
    async with ctx.uow() as uow:
        row = await customer_repo.get_customer(uow.session, customer.customer_id)
        if row is None:
            raise NotAuthenticated("unknown customer", code="bad_visitor_token")
        row.display_name = cleaned
        await uow.commit()
    return CustomerPrincipal(customer.customer_id, cleaned, customer.channel)


async def name_by_agent(ctx: Context, agent: AgentPrincipal, customer_id: int, name: str) -> tuple[int, str]:
    """An agent names a customer (访客12 → 王女士): agents who may see one of the customer's
    conversations (the access policy); anyone else gets "not found", as for the conversations."""
    cleaned = clean_name(name)
    if not cleaned:
        raise InvalidInput("name is empty", code="name_empty")
    async with ctx.uow() as uow:
        row = await customer_repo.get_customer(uow.session, customer_id)
        if row is None or not await may_see_customer(uow.session, agent, customer_id):
            raise NotFound("customer not found", code="customer_not_found")
        row.display_name = cleaned
        await uow.commit()
    return customer_id, cleaned
