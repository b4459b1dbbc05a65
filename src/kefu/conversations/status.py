"""A conversation's statuses, the changes between them and why it closed: plain values, no I/O.

Kept apart from :mod:`kefu.conversations.lifecycle` (which writes) so events, the access policy and
the storage layer can name statuses without importing the actions that move them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """Who holds the conversation: the bot, the queue, an agent, or nobody any more."""

    BOT = "bot"
    QUEUED = "queued"
    ASSIGNED = "assigned"
    CLOSED = "closed"


OPEN_STATUSES: tuple[Status, ...] = (Status.BOT, Status.QUEUED, Status.ASSIGNED)
WAITING_STATUSES: tuple[Status, ...] = (Status.BOT, Status.QUEUED)

# Which status may follow which. Re-queueing (QUEUED → QUEUED: a move to another group) and
# re-assignment (ASSIGNED → ASSIGNED: a transfer or an SLA reassignment) are changes of hands.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.BOT: frozenset({Status.QUEUED, Status.ASSIGNED, Status.CLOSED}),
    Status.QUEUED: frozenset({Status.QUEUED, Status.ASSIGNED, Status.CLOSED}),
    Status.ASSIGNED: frozenset({Status.QUEUED, Status.ASSIGNED, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def sources_of(target: Status) -> tuple[Status, ...]:
    """Every status a conversation may move to ``target`` from."""
    return tuple(status for status, targets in TRANSITIONS.items() if target in targets)


class Change(StrEnum):
    """What a ``ConversationChanged`` event reports."""

    CREATED = "created"
    QUEUED = "queued"
    ASSIGNED = "assigned"
    TRANSFERRED = "transferred"
    CLOSED = "closed"


class CloseReason(StrEnum):
    """Why a conversation ended (CSAT, tickets and reports listen for these)."""

    AGENT = "agent"  # its agent (or a supervisor) ended it
    CUSTOMER = "customer"  # the customer ended it
    IDLE = "idle"  # the customer went silent after the agent's reply
    LEFT_MESSAGE = "left_message"  # the customer left a message instead of waiting
    BOT_RESOLVED = "bot_resolved"  # the bot answered and the customer said goodbye


@dataclass(frozen=True, slots=True)
class ConversationScope:
    """What deciding who may see a conversation needs, carried by every event about it."""

    customer_id: int
    status: Status
    assignee_id: int | None
    skill_group_id: int | None
    channel: str = "web"
