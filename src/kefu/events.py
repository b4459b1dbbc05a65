"""Typed events: every state change emits one after its transaction commits.

Events are plain frozen dataclasses of plain values (no ORM rows, no view classes with database
behaviour) so they round-trip through JSON: :func:`to_json` / :func:`from_json` carry them between
nodes. Every event about a conversation carries its :class:`ConversationScope`, so whoever routes it
(the WebSocket hub, an outbound channel) needs no database read to decide who receives it.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar, TypeAlias, Union

from kefu.conversations.status import Change, CloseReason, ConversationScope, Status
from kefu.conversations.views import AttachmentView, ConversationView, MessageView
from kefu.notes.views import NoteView

__all__ = [
    "AttachmentView",
    "ConversationScope",
    "ConversationView",
    "MessageView",
]


def _wire(event: Any) -> dict[str, Any]:
    """An event as a WebSocket frame: its ``type`` and its fields (nested views as plain dicts)."""
    frame: dict[str, Any] = {"type": event.type}
    for key, value in asdict(event).items():
        if key in event.private_fields:
            continue
        frame[key] = list(value) if isinstance(value, tuple) else value
    return frame


class _Wire:
    """What every event offers: its frame for WebSocket clients."""

    __slots__ = ()
    type: ClassVar[str]
    private_fields: ClassVar[frozenset[str]] = frozenset({"scope", "previous"})

    def to_wire(self) -> dict[str, Any]:
        """The frame sent to WebSocket clients (routing data such as ``scope`` stays on the server)."""
        return _wire(self)


@dataclass(frozen=True, slots=True)
class MessageCreated(_Wire):
    """A message was stored and numbered."""

    type: ClassVar[str] = "message"
    message: MessageView
    scope: ConversationScope

    @property
    def conversation_id(self) -> int:
        """The conversation the message belongs to."""
        return self.message.conversation_id


@dataclass(frozen=True, slots=True)
class ConversationChanged(_Wire):
    """A conversation was created, queued, assigned, transferred or closed; ``change`` says which.

    ``previous`` is the scope before the change (None when created): who could see it then and may
    need to learn that they no longer can.
    """

    type: ClassVar[str] = "conversation"
    conversation: ConversationView
    change: Change
    previous: ConversationScope | None = None

    @property
    def conversation_id(self) -> int:
        """The conversation that changed."""
        return self.conversation.id

    @property
    def scope(self) -> ConversationScope:
        """The scope after the change."""
        return self.conversation.scope()


@dataclass(frozen=True, slots=True)
class ConversationClosed(_Wire):
    """A conversation ended, with why and by whom (CSAT, tickets and reports listen for it)."""

    type: ClassVar[str] = "closed"
    scope: ConversationScope
    conversation_id: int
    reason: CloseReason
    by_user_id: int | None
    from_status: Status


@dataclass(frozen=True, slots=True)
class ConversationRead(_Wire):
    """A participant has read the conversation up to ``seq``."""

    type: ClassVar[str] = "read"
    conversation_id: int
    reader: str
    seq: int
    scope: ConversationScope


@dataclass(frozen=True, slots=True)
class Typing(_Wire):
    """A participant is typing (ephemeral: never stored)."""

    type: ClassVar[str] = "typing"
    conversation_id: int
    sender_kind: str
    sender_name: str
    scope: ConversationScope


@dataclass(frozen=True, slots=True)
class KnowledgeChanged(_Wire):
    """Knowledge-base entries (or the bot's dictionary) changed; the bot rebuilds its index."""

    type: ClassVar[str] = "knowledge"
    entry_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class BotSettingsChanged(_Wire):
    """An admin changed the bot's thresholds or hand-over triggers; the fields are the settings now in force."""

    type: ClassVar[str] = "bot_settings"
    answer_threshold: float
    clarify_threshold: float
    max_failures: int
    handover_on_request: bool
    handover_on_negative: bool
    handover_on_vip: bool
    handover_on_sensitive: bool


@dataclass(frozen=True, slots=True)
class QueueUpdate(_Wire):
    """A waiting customer's place in the queue (``position`` 1 = next) and estimated wait.

    ``state`` is ``waiting``, ``closed`` (outside business hours), ``no_agents`` (nobody online) or
    ``timeout`` (waited too long); ``leave_message`` says whether to offer the leave-a-message form.
    """

    type: ClassVar[str] = "queue"
    conversation_id: int
    position: int
    eta_seconds: int | None
    text: str
    scope: ConversationScope
    state: str = "waiting"
    leave_message: bool = False


@dataclass(frozen=True, slots=True)
class ConversationTransferred(_Wire):
    """An agent (or supervisor) handed a conversation to another agent or group, with a note for them."""

    type: ClassVar[str] = "transfer"
    conversation_id: int
    from_user_id: int | None
    from_name: str
    to_user_id: int | None
    to_group_id: int | None
    note: str
    scope: ConversationScope


@dataclass(frozen=True, slots=True)
class SupervisorAlert(_Wire):
    """Something supervisors should look at, e.g. ``kind="sla_breach"`` (no first reply in time)."""

    type: ClassVar[str] = "alert"
    conversation_id: int
    kind: str
    text: str
    agent_id: int | None = None


@dataclass(frozen=True, slots=True)
class PresenceChanged(_Wire):
    """An agent's routing presence (online / away / offline) or capacity changed."""

    type: ClassVar[str] = "presence"
    user_id: int
    status: str
    capacity: int


@dataclass(frozen=True, slots=True)
class TextsChanged(_Wire):
    """An admin set or reset the organisation's wording of a text; every node reloads its text book."""

    type: ClassVar[str] = "texts"
    code: str
    locale: str
    overridden: bool


@dataclass(frozen=True, slots=True)
class FlowsChanged(_Wire):
    """An admin published or retired a flow version; every node reloads its flow library."""

    type: ClassVar[str] = "flows"
    key: str


@dataclass(frozen=True, slots=True)
class IntegrationsChanged(_Wire):
    """An admin saved or deleted an action of the company's backend; every node forgets its cached actions."""

    type: ClassVar[str] = "integrations"
    action: str
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class TicketChanged(_Wire):
    """A ticket was created or changed (status, assignee, fields …); ``ticket`` is its view's dict."""

    type: ClassVar[str] = "ticket"
    ticket: dict[str, Any]
    change: str
    actor_kind: str
    by_user_id: int | None = None


@dataclass(frozen=True, slots=True)
class TicketEventAdded(_Wire):
    """A line was added to a ticket's timeline; ``internal`` lines (notes, SLA) never reach the customer.

    The ticket's customer, assignee and group travel along (server-side only) so the hub routes the
    event without a query.
    """

    type: ClassVar[str] = "ticket_event"
    private_fields: ClassVar[frozenset[str]] = frozenset({"customer_id", "assignee_id", "skill_group_id"})
    ticket_id: int
    event: dict[str, Any]
    internal: bool
    customer_id: int | None = None
    assignee_id: int | None = None
    skill_group_id: int | None = None


@dataclass(frozen=True, slots=True)
class TicketAlert(_Wire):
    """For supervisors: a ticket's SLA is about to breach or breached, or a complaint came in."""

    type: ClassVar[str] = "ticket_alert"
    ticket_id: int
    number: str
    kind: str  # sla_warning | sla_breach | complaint
    text: str
    assignee_id: int | None = None


@dataclass(frozen=True, slots=True)
class FollowUpDue(_Wire):
    """A follow-up (回访) came due: for its agent, or its group when no agent holds it."""

    type: ClassVar[str] = "follow_up_due"
    follow_up: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NotificationsQueued(_Wire):
    """Notifications to customers were written to the outbox; the notify worker sends them now rather
    than at its next poll (the rows, not this event, are what counts: a lost event delays, never loses)."""

    type: ClassVar[str] = "notifications"
    ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class NoteAdded(_Wire):
    """An agent wrote an internal note. Staff only: the hub never gives it to a customer's socket
    (``web/hub.py``, ``STAFF_ONLY``) and no channel sender listens for it."""

    type: ClassVar[str] = "note"
    note: NoteView
    scope: ConversationScope

    @property
    def conversation_id(self) -> int:
        """The conversation the note belongs to."""
        return self.note.conversation_id


@dataclass(frozen=True, slots=True)
class Mentioned(_Wire):
    """A colleague was @mentioned in a note; only their own console sockets receive it."""

    type: ClassVar[str] = "mention"
    mention_id: int
    user_id: int
    conversation_id: int
    note_id: int
    by_user_id: int
    by_name: str
    excerpt: str


@dataclass(frozen=True, slots=True)
class StaffTyping(_Wire):
    """An agent is typing in a conversation's reply box (``area="reply"``) or note box (``"note"``);
    ephemeral, for colleagues following it (collision), never for the customer."""

    type: ClassVar[str] = "staff_typing"
    conversation_id: int
    user_id: int
    name: str
    area: str
    scope: ConversationScope


ConversationEvent: TypeAlias = (
    MessageCreated
    | ConversationChanged
    | ConversationClosed
    | ConversationRead
    | Typing
    | QueueUpdate
    | ConversationTransferred
    | SupervisorAlert
    | NoteAdded
    | Mentioned
    | StaffTyping
)
Event: TypeAlias = (
    ConversationEvent
    | KnowledgeChanged
    | BotSettingsChanged
    | PresenceChanged
    | TextsChanged
    | FlowsChanged
    | IntegrationsChanged
    | TicketChanged
    | TicketEventAdded
    | TicketAlert
    | FollowUpDue
    | NotificationsQueued
)

EVENT_TYPES: tuple[type[Any], ...] = typing.get_args(Event)
_BY_NAME: dict[str, type[Any]] = {cls.__name__: cls for cls in EVENT_TYPES}


# ---- JSON round trip ------------------------------------------------------------------------------


def to_json(event: Event) -> dict[str, Any]:
    """The event as JSON-ready data: ``{"event": <class name>, "data": {...}}``."""
    return {"event": type(event).__name__, "data": asdict(event)}


def from_json(payload: dict[str, Any]) -> Event:
    """Rebuild an event from :func:`to_json`'s output; ValueError for an unknown or malformed event."""
    cls = _BY_NAME.get(str(payload.get("event")))
    data = payload.get("data")
    if cls is None or not isinstance(data, dict):
        raise ValueError(f"not an event: {payload.get('event')!r}")
    event: Event = _build(cls, data)
    return event


def _build(cls: type[Any], data: dict[str, Any]) -> Any:
    hints = typing.get_type_hints(cls)
    values = {f.name: _value(hints[f.name], data[f.name]) for f in fields(cls) if f.name in data}
    return cls(**values)


def _value(hint: Any, raw: Any) -> Any:
    if raw is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _value(options[0], raw) if len(options) == 1 else raw
    if origin is tuple:
        (item, *_rest) = typing.get_args(hint)
        return tuple(_value(item, value) for value in raw)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, raw)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(raw)
    return raw
