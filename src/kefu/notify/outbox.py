"""Writing notifications: in the transaction of the change that causes them, after commit sent by the
worker. The text is rendered now, in the customer's language, with the organisation's wording.

Media that are not configured (no SMTP host; ``KEFU_SMS_PROVIDER=none``; an Alibaba Cloud set-up
without a template for the kind) get no rows: an outbox row is a promise to send.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from kefu.context import Context
from kefu.events import NotificationsQueued
from kefu.notify import contacts, links
from kefu.notify.kinds import Kind, sms_params, text_code
from kefu.storage.repositories import notifications as repo
from kefu.storage.tables import Customer, Notification
from kefu.storage.uow import UnitOfWork
from kefu.texts.render import Param, fill, placeholders

MAX_REF = 64


def channel_enabled(ctx: Context, channel: str, kind: Kind) -> bool:
    """Whether kefu can send ``kind`` by ``channel`` with its settings."""
    settings = ctx.settings
    if channel == contacts.EMAIL:
        return bool(settings.smtp_host)
    if settings.sms_provider == "aliyun":
        return kind.value in settings.sms_templates
    return settings.sms_provider == "demo"


def render(ctx: Context, code: str, locale: str, channel: str, params: Mapping[str, Param]) -> str:
    """A catalogue text filled with those of ``params`` it names (a kind's texts use different subsets)."""
    wording = ctx.texts.wording(code, locale, channel)
    return fill(wording, {name: params.get(name, "") for name in placeholders(wording)})


async def enqueue(
    uow: UnitOfWork,
    ctx: Context,
    *,
    customer_id: int,
    kind: Kind,
    params: Mapping[str, Param],
    ref: str = "",
    locale: str | None = None,
) -> list[int]:
    """Write the rows that tell the customer about ``kind`` (one per verified, enabled address; none
    after opt-out) in ``uow``'s transaction; the worker is woken once it commits. Returns the row ids."""
    customer = await repo.get_customer(uow.session, customer_id)
    if customer is None:
        return []
    chosen = [a for a in contacts.addresses(customer, kind) if channel_enabled(ctx, a.channel, kind)]
    if not chosen:
        return []
    if locale is None:
        locale = await repo.latest_locale(uow.session, customer_id)
    locale = ctx.texts.locale_for(locale)
    values: dict[str, Param] = {"name": _name(ctx, customer, locale), **params}
    now = ctx.clock.now()
    rows = []
    for address in chosen:
        row = _row(ctx, customer, kind, address, locale, values)
        row.ref, row.created_at, row.next_attempt_at = ref[:MAX_REF], now, now
        uow.session.add(row)
        rows.append(row)
    await uow.session.flush()
    ids = tuple(row.id for row in rows)
    uow.emit(NotificationsQueued(ids))
    return list(ids)


def _name(ctx: Context, customer: Customer, locale: str) -> str:
    if customer.display_name:
        return customer.display_name
    return ctx.texts.render("customer.visitor_name", locale, "web", id=customer.id)


def _row(
    ctx: Context, customer: Customer, kind: Kind, address: contacts.Address, locale: str, values: Mapping[str, Param]
) -> Notification:
    if address.channel == contacts.EMAIL:
        footer = render(
            ctx, "notify.footer", locale, "email", {"unsubscribe": links.unsubscribe(ctx.settings, customer.id)}
        )
        subject = render(ctx, text_code(kind, "subject"), locale, "email", values)
        body = render(ctx, text_code(kind, "body"), locale, "email", values) + "\n\n" + footer
        extra: dict[str, str] = {}
    else:
        subject = ""
        body = render(ctx, text_code(kind, "sms"), locale, "sms", values)
        extra = sms_params(kind, values)
    return Notification(
        kind=kind.value,
        channel=address.channel,
        customer_id=customer.id,
        recipient=address.recipient,
        locale=locale,
        subject=subject,
        body=body,
        params=json.dumps(extra, ensure_ascii=False),
        status=repo.PENDING,
        attempts=0,
    )
