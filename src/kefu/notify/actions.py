"""The writes customers and staff make about notifications: opt out, confirm an address, set a
customer's contact details, and the admin view of the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kefu.context import Context
from kefu.errors import InvalidInput, NotFound, PermissionDenied
from kefu.notify import contacts, links, outbox, tokens
from kefu.notify.kinds import Kind
from kefu.security.access import is_serving_customer, require_agent
from kefu.security.principals import Principal
from kefu.storage.repositories import notifications as repo
from kefu.storage.tables import Customer, Notification
from kefu.storage.uow import UnitOfWork

MAX_LISTED = 200


@dataclass(frozen=True, slots=True)
class NotificationView:
    """An outbox row as admins and supervisors see it."""

    id: int
    kind: str
    channel: str
    customer_id: int | None
    recipient: str
    locale: str
    subject: str
    status: str
    attempts: int
    next_attempt_at: str
    last_error: str | None
    sent_at: str | None
    created_at: str
    ref: str

    @classmethod
    def of(cls, row: Notification) -> NotificationView:
        """From a stored row."""
        return cls(
            row.id, row.kind, row.channel, row.customer_id, row.recipient, row.locale, row.subject, row.status,
            row.attempts, row.next_attempt_at.isoformat(), row.last_error,
            row.sent_at.isoformat() if row.sent_at else None, row.created_at.isoformat(), row.ref,
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class ContactView:
    """A customer's notification addresses and whether they may be used."""

    customer_id: int
    email: str | None
    email_verified: bool
    phone: str | None
    phone_verified: bool
    notify_opt_out: bool

    @classmethod
    def of(cls, row: Customer) -> ContactView:
        """From a stored customer."""
        return cls(row.id, row.email, row.email_verified, row.phone, row.phone_verified, row.notify_opt_out)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {name: getattr(self, name) for name in self.__slots__}


async def recent(
    ctx: Context, principal: Principal, *, status: str | None = None, customer_id: int | None = None, limit: int = 100
) -> list[NotificationView]:
    """The newest notifications (supervisors and admins: they carry customers' addresses)."""
    agent = require_agent(principal)
    if not agent.sees_everything:
        raise PermissionDenied("only supervisors and admins see notifications")
    if status is not None and status not in repo.STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(repo.STATUSES)}", code="bad_status")
    async with ctx.uow() as uow:
        rows = await repo.recent(uow.session, status=status, customer_id=customer_id, limit=min(limit, MAX_LISTED))
        return [NotificationView.of(row) for row in rows]


async def unsubscribe(ctx: Context, token: str) -> bool:
    """Opt the customer of a genuine unsubscribe link out of every notification; False for a bad link."""
    payload = tokens.read(ctx.settings.secret_key, tokens.UNSUBSCRIBE, token)
    if payload is None or not payload.isdigit():
        return False
    async with ctx.uow() as uow:
        customer = await repo.get_customer(uow.session, int(payload), for_update=True)
        if customer is None:
            return False
        customer.notify_opt_out = True
        await uow.commit()
    return True


async def verify_email(ctx: Context, token: str) -> str | None:
    """Mark the address a genuine confirmation link names as verified; the address, or None when the
    link is bad or the customer's address has changed since."""
    payload = tokens.read(ctx.settings.secret_key, tokens.VERIFY_EMAIL, token)
    customer_id, _, email = (payload or "").partition(":")
    if not customer_id.isdigit() or not email:
        return None
    async with ctx.uow() as uow:
        customer = await repo.get_customer(uow.session, int(customer_id), for_update=True)
        if customer is None or customer.email != email:
            return None
        customer.email_verified = True
        await uow.commit()
    return email


async def remember_contact(uow: UnitOfWork, ctx: Context, customer_id: int, contact: str) -> None:
    """A customer typed ``contact`` (the 留言 form): keep it as their unverified address and, for a new
    e-mail address, send the link that confirms it — in ``uow``'s transaction."""
    customer = await repo.get_customer(uow.session, customer_id, for_update=True)
    if customer is None:
        return
    kept = contacts.remember(customer, contact)
    if kept is not None and kept.channel == contacts.EMAIL:
        link = links.verify_email(ctx.settings, customer_id, kept.recipient)
        await outbox.enqueue(uow, ctx, customer_id=customer_id, kind=Kind.VERIFY_EMAIL, params={"link": link})


async def set_contact(
    ctx: Context,
    principal: Principal,
    customer_id: int,
    *,
    email: str | None = None,
    phone: str | None = None,
    email_verified: bool | None = None,
    phone_verified: bool | None = None,
    notify_opt_out: bool | None = None,
) -> ContactView:
    """Staff set a customer's addresses (an empty string clears one), confirm them (checked by phone,
    or known from the customer's account) or record an opt-out. A changed address is unverified
    unless confirmed in the same call. Agents may do this for a customer they are serving."""
    agent = require_agent(principal)
    async with ctx.uow() as uow:
        customer = await repo.get_customer(uow.session, customer_id, for_update=True)
        if customer is None or not (
            agent.sees_everything or await is_serving_customer(uow.session, agent, customer_id)
        ):
            raise NotFound("customer not found", code="customer_not_found")
        if email is not None:
            normal = contacts.normalise_email(email) if email.strip() else None
            if email.strip() and normal is None:
                raise InvalidInput("not an e-mail address", code="bad_email")
            if normal != customer.email:
                customer.email, customer.email_verified = normal, False
        if phone is not None:
            number = contacts.normalise_phone(phone) if phone.strip() else None
            if phone.strip() and number is None:
                raise InvalidInput("not a mobile number", code="bad_phone")
            if number != customer.phone:
                customer.phone, customer.phone_verified = number, False
        if email_verified is not None:
            customer.email_verified = email_verified and customer.email is not None
        if phone_verified is not None:
            customer.phone_verified = phone_verified and customer.phone is not None
        if notify_opt_out is not None:
            customer.notify_opt_out = notify_opt_out
        view = ContactView.of(customer)
        await uow.commit()
    return view
