"""What tickets look like outside the package: the agent's view, the customer's view, timeline lines.

Events carry these as dicts (``to_dict``), and the REST responses are built from them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from kefu.storage.tables import FollowUp, Ticket, TicketEvent

# Timeline kinds a customer may see (with their own and agents' actors); everything else is internal.
CUSTOMER_KINDS = frozenset({"created", "reply", "attachment", "status"})
PRIVATE_DATA = frozenset({"storage_path"})  # where a file lies on the server stays on the server


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True, slots=True)
class TicketView:
    """A ticket as agents see it."""

    id: int
    number: str
    type_key: str
    title: str
    status: str
    priority: str
    customer_id: int
    customer_name: str
    skill_group_id: int | None
    assignee_id: int | None
    fields: dict[str, str]
    source: str
    resolution: str | None
    created_by_id: int | None
    created_at: str
    updated_at: str
    first_response_due_at: str | None
    next_update_due_at: str | None
    resolution_due_at: str | None
    sla_clock: str | None
    sla_due_at: str | None
    sla_paused: bool
    first_responded_at: str | None
    resolved_at: str | None
    closed_at: str | None
    reopened_count: int
    sla_warned: bool
    sla_breached: bool

    @classmethod
    def of(cls, row: Ticket, customer_name: str = "") -> TicketView:
        """From a stored row."""
        return cls(
            id=row.id,
            number=row.number,
            type_key=row.type_key,
            title=row.title,
            status=row.status,
            priority=row.priority,
            customer_id=row.customer_id,
            customer_name=customer_name,
            skill_group_id=row.skill_group_id,
            assignee_id=row.assignee_id,
            fields=json.loads(row.fields or "{}"),
            source=row.source,
            resolution=row.resolution,
            created_by_id=row.created_by_id,
            created_at=row.created_at.isoformat(),
            updated_at=row.updated_at.isoformat(),
            first_response_due_at=_iso(row.first_response_due_at),
            next_update_due_at=_iso(row.next_update_due_at),
            resolution_due_at=_iso(row.resolution_due_at),
            sla_clock=row.sla_clock,
            sla_due_at=_iso(row.sla_due_at),
            sla_paused=row.sla_paused_at is not None,
            first_responded_at=_iso(row.first_responded_at),
            resolved_at=_iso(row.resolved_at),
            closed_at=_iso(row.closed_at),
            reopened_count=row.reopened_count,
            sla_warned=row.sla_warned,
            sla_breached=row.sla_breached,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def customer_dict(view: TicketView) -> dict[str, Any]:
    """What the customer sees of their ticket (no assignee, SLA or internal bookkeeping)."""
    return {
        "id": view.id,
        "number": view.number,
        "type_key": view.type_key,
        "title": view.title,
        "status": view.status,
        "fields": view.fields,
        "created_at": view.created_at,
        "updated_at": view.updated_at,
        "resolved_at": view.resolved_at,
        "closed_at": view.closed_at,
        "resolution": view.resolution,
    }


@dataclass(frozen=True, slots=True)
class EventView:
    """One line of a ticket's timeline."""

    id: int
    ticket_id: int
    kind: str
    actor_kind: str
    actor_id: int | None
    body: str
    data: dict[str, Any]
    created_at: str

    @property
    def internal(self) -> bool:
        """Not for the customer's eyes."""
        return self.kind not in CUSTOMER_KINDS

    @classmethod
    def of(cls, row: TicketEvent) -> EventView:
        """From a stored row."""
        return cls(
            row.id,
            row.ticket_id,
            row.kind,
            row.actor_kind,
            row.actor_id,
            row.body,
            {k: v for k, v in json.loads(row.data or "{}").items() if k not in PRIVATE_DATA},
            row.created_at.isoformat(),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    def for_customer(self) -> dict[str, Any]:
        """The line as the customer sees it (no agent ids; attachments without their storage path)."""
        data = {k: v for k, v in self.data.items() if k in ("before", "after", "attachment_name", "source")}
        actor = self.actor_kind if self.actor_kind == "customer" else "agent"
        return {
            "id": self.id,
            "kind": self.kind,
            "actor_kind": actor,
            "body": self.body,
            "data": data,
            "created_at": self.created_at,
        }


@dataclass(frozen=True, slots=True)
class FollowUpView:
    """A follow-up reminder."""

    id: int
    ticket_id: int | None
    conversation_id: int | None
    due_at: str
    assignee_id: int | None
    skill_group_id: int | None
    note: str
    notified: bool
    done_at: str | None
    dismissed: bool
    created_by: int | None
    created_at: str

    @classmethod
    def of(cls, row: FollowUp) -> FollowUpView:
        """From a stored row."""
        return cls(
            row.id,
            row.ticket_id,
            row.conversation_id,
            row.due_at.isoformat(),
            row.assignee_id,
            row.skill_group_id,
            row.note,
            row.notified_at is not None,
            _iso(row.done_at),
            row.dismissed,
            row.created_by,
            row.created_at.isoformat(),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)
