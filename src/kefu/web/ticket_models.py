"""Request and response bodies of the tickets API (``api_tickets``): the console's and the widget's
contract for 工单, SLAs and follow-ups. Response models pass extra keys through, like ``responses``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from kefu.web.responses import Out
from kefu.web.schemas import Strict

Priority = Literal["low", "normal", "high", "urgent"]
Status = Literal["new", "open", "pending", "resolved", "closed"]


# ---- requests ---------------------------------------------------------------------------------------


class TicketCreateIn(Strict):
    """A ticket from the console (a phone call or visit: ``customer_phone`` + ``customer_name`` find or
    register the customer) or from the API (``customer_id``)."""

    type_key: str = Field(default="other", max_length=32)
    title: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=5000)
    fields: dict[str, str | None] = Field(default_factory=dict)
    priority: Priority = "normal"
    skill_group_id: int | None = None
    assignee_id: int | None = None
    customer_id: int | None = None
    customer_phone: str = Field(default="", max_length=40)
    customer_name: str = Field(default="", max_length=100)
    source: Literal["console", "api"] = "console"


class FromConversationIn(Strict):
    """Overrides for a ticket made from a conversation (everything else is pre-filled)."""

    type_key: str | None = Field(default=None, max_length=32)
    title: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    fields: dict[str, str | None] | None = None
    priority: Priority | None = None
    skill_group_id: int | None = None
    assignee_id: int | None = None


class TicketUpdateIn(Strict):
    """Changes; omitted fields stay. ``assignee_id``/``skill_group_id`` null clears them. Resolving or
    closing a complaint (投诉) needs ``resolution``."""

    status: Status | None = None
    resolution: str = Field(default="", max_length=5000)
    priority: Priority | None = None
    assignee_id: int | None = None
    skill_group_id: int | None = None
    type_key: str | None = Field(default=None, max_length=32)
    title: str | None = Field(default=None, max_length=200)
    fields: dict[str, str | None] | None = Field(default=None, description="null or empty value removes a field")


class BulkIn(Strict):
    """Assign or close many tickets at once."""

    ticket_ids: list[int] = Field(min_length=1, max_length=500)
    assignee_id: int | None = None
    unassign: bool = False
    status: Literal["resolved", "closed"] | None = None
    resolution: str = Field(default="", max_length=5000)


class TextIn(Strict):
    """A reply, a note, or a customer's added information."""

    body: str = Field(max_length=5000)


class ReplyIn(TextIn):
    """A reply to the customer; ``post_to_chat`` also posts it into their open conversation you serve."""

    post_to_chat: bool = True


class LinkIn(Strict):
    """A conversation to link to the ticket."""

    conversation_id: int


class ReopenIn(Strict):
    """Why the customer reopens (optional)."""

    body: str = Field(default="", max_length=5000)


class FollowUpIn(Strict):
    """Schedule a follow-up: ``in_days`` (e.g. 3 for "3 天后回访") or ``at``; for yourself unless an agent
    or group is named."""

    in_days: float | None = Field(default=None, gt=0, le=365)
    at: datetime | None = None
    assignee_id: int | None = None
    skill_group_id: int | None = None
    note: str = Field(default="", max_length=1000)


class TicketTypeIn(Strict):
    """A ticket type (create: key and name required)."""

    key: str | None = Field(default=None, max_length=32)
    name: str | None = Field(default=None, max_length=100)
    fields: list[dict[str, Any]] | None = Field(
        default=None, description="[{key, label, type: text|date|order_no|phone|choice, choices, required}]"
    )
    enabled: bool | None = None
    sort: int | None = None


class SlaPolicyIn(Strict):
    """An SLA policy: for a type and/or priority (null: any); minutes are working minutes."""

    type_key: str | None = None
    priority: Priority | None = None
    first_response_minutes: int | None = Field(default=None, ge=0)
    next_update_minutes: int | None = Field(default=None, ge=0)
    resolution_minutes: int | None = Field(default=None, ge=0)
    warn_before_minutes: int = Field(default=30, ge=0)
    reassign_on_breach: bool = False


class HolidayIn(Strict):
    """A holiday (closed all day) or, with ``working``, a make-up working day."""

    day: str = Field(description="YYYY-MM-DD")
    name: str = Field(default="", max_length=100)
    skill_group_id: int | None = None
    working: bool = False


# ---- responses --------------------------------------------------------------------------------------


class TicketOut(Out):
    """A ticket as agents see it (times are ISO 8601 UTC)."""

    id: int
    number: str = Field(description="what customers quote, e.g. T20261202-0001")
    type_key: str
    title: str
    status: str = Field(description="new | open | pending | resolved | closed")
    priority: str = Field(description="low | normal | high | urgent")
    customer_id: int
    customer_name: str
    skill_group_id: int | None
    assignee_id: int | None
    fields: dict[str, str]
    source: str = Field(description="conversation | leave | flow | console | api | email")
    resolution: str | None
    created_by_id: int | None
    created_at: str
    updated_at: str
    first_response_due_at: str | None
    next_update_due_at: str | None
    resolution_due_at: str | None
    sla_clock: str | None = Field(description="the nearest running clock: first_response | next_update | resolution")
    sla_due_at: str | None
    sla_paused: bool = Field(description="pending: resolution paused, next update stopped")
    first_responded_at: str | None
    resolved_at: str | None
    closed_at: str | None
    reopened_count: int
    sla_warned: bool
    sla_breached: bool


class TicketEventOut(Out):
    """A line of the timeline. Change lines have ``data`` {field, before, after}."""

    id: int
    ticket_id: int
    kind: str = Field(description="created | reply | note | status | assignee | field | link | attachment | sla")
    actor_kind: str = Field(description="agent | customer | system")
    actor_id: int | None
    body: str
    data: dict[str, Any]
    created_at: str


class TicketEnvelope(Out):
    ticket: TicketOut


class TicketEventEnvelope(Out):
    event: TicketEventOut


class TicketPageOut(Out):
    """A page of tickets, newest first; pass ``next_before`` as ``before`` for the next page."""

    tickets: list[TicketOut]
    next_before: int | None


class TicketDetailOut(Out):
    """A ticket with its linked conversations and whole timeline."""

    ticket: TicketOut
    conversation_ids: list[int]
    timeline: list[TicketEventOut]


class BulkOut(Out):
    """Tickets changed, and why the others were not (error code per id)."""

    changed: list[int]
    failed: dict[str, str]


class VisitorTicketOut(Out):
    """A ticket as its customer sees it (我的工单)."""

    id: int
    number: str
    type_key: str
    title: str
    status: str
    fields: dict[str, str]
    created_at: str
    updated_at: str
    resolved_at: str | None
    closed_at: str | None
    resolution: str | None


class VisitorEventOut(Out):
    """A timeline line the customer may see (replies, status, their files — never notes)."""

    id: int
    kind: str
    actor_kind: str
    body: str
    data: dict[str, Any]
    created_at: str


class VisitorTicketEnvelope(Out):
    ticket: VisitorTicketOut


class VisitorTicketListOut(Out):
    tickets: list[VisitorTicketOut]
    next_before: int | None


class VisitorTicketDetailOut(Out):
    ticket: VisitorTicketOut
    timeline: list[VisitorEventOut]


class VisitorEventEnvelope(Out):
    event: VisitorEventOut


class FollowUpOut(Out):
    """A follow-up reminder."""

    id: int
    ticket_id: int | None
    conversation_id: int | None
    due_at: str
    assignee_id: int | None
    skill_group_id: int | None
    note: str
    notified: bool = Field(description="FollowUpDue was sent")
    done_at: str | None
    dismissed: bool
    created_by: int | None
    created_at: str


class FollowUpEnvelope(Out):
    follow_up: FollowUpOut


class FollowUpListOut(Out):
    follow_ups: list[FollowUpOut]


class TicketFieldOut(Out):
    key: str
    label: str
    type: str
    choices: list[str]
    required: bool


class TicketTypeOut(Out):
    key: str
    name: str
    fields: list[TicketFieldOut]
    enabled: bool
    sort: int


class TicketTypeEnvelope(Out):
    type: TicketTypeOut


class TicketTypeListOut(Out):
    types: list[TicketTypeOut]


class SlaPolicyOut(Out):
    id: int
    type_key: str | None
    priority: str | None
    first_response_minutes: int | None
    next_update_minutes: int | None
    resolution_minutes: int | None
    warn_before_minutes: int
    reassign_on_breach: bool


class SlaPolicyEnvelope(Out):
    policy: SlaPolicyOut


class SlaPolicyListOut(Out):
    policies: list[SlaPolicyOut]


class HolidayOut(Out):
    id: int
    day: str
    name: str
    skill_group_id: int | None
    working: bool


class HolidayEnvelope(Out):
    holiday: HolidayOut


class HolidayListOut(Out):
    holidays: list[HolidayOut]
