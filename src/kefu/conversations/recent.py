"""What a returning customer sees of their earlier conversations once they have closed.

The widget shows it above a divider, read-only, so a customer who comes back does not start from a
blank page. Only the customer's own conversations, by the access policy's SQL form; only what was
said to them (customer, bot, agent and system messages — never anything internal to the staff); and
only recent ones (closed within ``WINDOW``), so a shared device does not replay a year of history.
"""

from __future__ import annotations

from datetime import timedelta

from kefu.context import Context
from kefu.conversations.views import MessageView
from kefu.errors import InvalidInput, PermissionDenied
from kefu.security.access import visible_clause
from kefu.security.principals import CustomerPrincipal, Principal
from kefu.storage.repositories import recent as recent_repo

CUSTOMER_VISIBLE_KINDS = ("customer", "bot", "agent", "system")
WINDOW = timedelta(days=30)
MAX_CONVERSATIONS = 3
MAX_MESSAGES = 100


async def recent_history(ctx: Context, principal: Principal, limit: int = 30) -> list[MessageView]:
    """The last ``limit`` messages of the customer's recently closed conversations, oldest first."""
    if not isinstance(principal, CustomerPrincipal):
        raise PermissionDenied("only a customer has a history of their own", code="visitor_only")
    if not 1 <= limit <= MAX_MESSAGES:
        raise InvalidInput(f"limit must be between 1 and {MAX_MESSAGES}", code="bad_limit")
    async with ctx.uow() as uow:
        rows = await recent_repo.closed_messages(
            uow.session,
            visible_clause(principal),
            sender_kinds=CUSTOMER_VISIBLE_KINDS,
            since=ctx.clock.now() - WINDOW,
            conversations=MAX_CONVERSATIONS,
            limit=limit,
        )
        return [MessageView.of(row) for row in rows]
