"""A ticket's statuses and which may follow which: the one place the ticket lifecycle is decided.

新建 new → 处理中 open → 待客户回复 pending → 已解决 resolved → 已关闭 closed. A resolved or closed
ticket may be reopened (→ open) within ``ticket_reopen_days`` of its resolution.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from kefu.errors import Conflict


class TicketStatus(StrEnum):
    """Where a ticket stands."""

    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"
    CLOSED = "closed"


PRIORITIES = ("low", "normal", "high", "urgent")
SOURCES = ("conversation", "leave", "flow", "console", "api", "email")
ACTIVE = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING)  # work remains: SLA clocks may run
DONE = (TicketStatus.RESOLVED, TicketStatus.CLOSED)

ALLOWED: dict[TicketStatus, frozenset[TicketStatus]] = {
    TicketStatus.NEW: frozenset({TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.RESOLVED, TicketStatus.CLOSED}),
    TicketStatus.OPEN: frozenset({TicketStatus.PENDING, TicketStatus.RESOLVED, TicketStatus.CLOSED}),
    TicketStatus.PENDING: frozenset({TicketStatus.OPEN, TicketStatus.RESOLVED, TicketStatus.CLOSED}),
    TicketStatus.RESOLVED: frozenset({TicketStatus.OPEN, TicketStatus.CLOSED}),  # → open is a reopen
    TicketStatus.CLOSED: frozenset({TicketStatus.OPEN}),  # a reopen, within the window
}


def is_reopen(before: TicketStatus, after: TicketStatus) -> bool:
    """Going back to work after a resolution."""
    return before in DONE and after is TicketStatus.OPEN


def check_transition(
    before: TicketStatus,
    after: TicketStatus,
    *,
    resolved_at: datetime | None,
    now: datetime,
    reopen_days: int,
) -> None:
    """Raise Conflict unless ``before → after`` is allowed now."""
    if after not in ALLOWED[before]:
        raise Conflict(f"a {before.value} ticket cannot become {after.value}", code="bad_transition")
    if is_reopen(before, after) and resolved_at is not None and now - resolved_at > timedelta(days=reopen_days):
        raise Conflict(f"tickets can be reopened within {reopen_days} days of resolution", code="reopen_expired")
