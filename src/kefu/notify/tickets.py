"""Tickets' notifications: what the tickets actions call, in their transaction, when a ticket is
created, replied to, waits for the customer (``pending``) or is resolved.

``ticket_view`` is a TicketView's ``to_dict()`` (see SPEC: ``number``, ``title``, ``customer_id``,
``status`` …); the link leads to the customer's view of the ticket in the widget (我的工单).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kefu.context import Context
from kefu.notify import links, outbox
from kefu.notify.kinds import TICKET_KINDS, Kind
from kefu.storage.uow import UnitOfWork
from kefu.texts.render import Param

MAX_REPLY_CHARS = 2000
# The short names callers may use, beside the kinds' own values.
_ALIASES = {"created": "ticket_created", "replied": "ticket_replied", "reply": "ticket_replied",
            "pending": "ticket_pending", "resolved": "ticket_resolved"}  # fmt: skip


def ticket_kind(kind: str) -> Kind:
    """The notification kind for ``created`` / ``replied`` / ``pending`` / ``resolved`` (or ``ticket_…``)."""
    value = _ALIASES.get(kind, kind)
    if value not in {k.value for k in TICKET_KINDS}:
        raise ValueError(f"not a ticket notification: {kind!r}")
    return Kind(value)


async def enqueue_ticket_notification(
    uow: UnitOfWork, ctx: Context, ticket_view: Mapping[str, Any], kind: str, *, reply: str = ""
) -> list[int]:
    """Tell the ticket's customer about it (their verified addresses, unless they opted out), in
    ``uow``'s transaction; ``reply`` is the agent's reply for ``replied``. Returns the rows written.
    Tickets made from a 留言 are told through the 留言's notices instead."""
    customer_id = ticket_view.get("customer_id")
    if customer_id is None:
        return []
    if ticket_view.get("source") == "leave":
        # A 留言's ticket: the customer hears through the 留言's own notices (its confirmation in the chat,
        # then "您的留言有了回复"), not once more for the ticket behind it.
        return []
    number = str(ticket_view["number"])
    params: dict[str, Param] = {
        "number": number,
        "title": str(ticket_view.get("title") or ""),
        "status": str(ticket_view.get("status") or ""),
        "reply": reply[:MAX_REPLY_CHARS],
        "link": links.ticket(ctx.settings, number),
    }
    which = ticket_kind(kind)
    return await outbox.enqueue(
        uow, ctx, customer_id=int(customer_id), kind=which, params=params, ref=f"ticket:{number}:{which.value}"
    )
