"""Typed events: every state change emits one after its transaction commits.

Events are plain frozen dataclasses so they can cross process boundaries (Redis) as JSON later.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar, TypeAlias

from kefu.conversations.views import ConversationView, MessageView


def _wire(event: Any) -> dict[str, Any]:
    """An event as a WebSocket frame: its ``type`` and its fields (nested views as plain dicts)."""
    frame: dict[str, Any] = {"type": event.type}
    for key, value in asdict(event).items():
        frame[key] = list(value) if isinstance(value, tuple) else value
    return frame


@dataclass(frozen=True, slots=True)
class MessageCreated:
    """A message was stored and numbered."""

    type: ClassVar[str] = "message"
    message: MessageView

    @property
    def conversation_id(self) -> int:
        """The conversation the message belongs to."""
        return self.message.conversation_id

    def to_wire(self) -> dict[str, Any]:
        """The frame sent to WebSocket clients."""
        return _wire(self)


@dataclass(frozen=True, slots=True)
class ConversationChanged:
    """A conversation was created, queued, assigned or closed; ``change`` says which."""

    type: ClassVar[str] = "conversation"
    conversation: ConversationView
    change: str

    @property
    def conversation_id(self) -> int:
        """The conversation that changed."""
        return self.conversation.id

    def to_wire(self) -> dict[str, Any]:
        """The frame sent to WebSocket clients."""
        return _wire(self)


@dataclass(frozen=True, slots=True)
class ConversationRead:
    """A participant has read the conversation up to ``seq``."""

    type: ClassVar[str] = "read"
    conversation_id: int
    reader: str
    seq: int

    def to_wire(self) -> dict[str, Any]:
        """The frame sent to WebSocket clients."""
        return _wire(self)


@dataclass(frozen=True, slots=True)
class Typing:
    """A participant is typing (ephemeral: never stored)."""

    type: ClassVar[str] = "typing"
    conversation_id: int
    sender_kind: str
    sender_name: str

    def to_wire(self) -> dict[str, Any]:
        """The frame sent to WebSocket clients."""
        return _wire(self)


@dataclass(frozen=True, slots=True)
class KnowledgeChanged:
    """Knowledge-base entries (or the bot's dictionary) changed; the bot rebuilds its index."""

    type: ClassVar[str] = "knowledge"
    entry_ids: tuple[int, ...]

    def to_wire(self) -> dict[str, Any]:
        """The frame sent to WebSocket clients (admins' pages)."""
        return _wire(self)


@dataclass(frozen=True, slots=True)
class QueueUpdate:
    """A waiting customer's place in the queue (``position`` 1 = next) and estimated wait.

    ``state`` is ``waiting``, ``closed`` (outside business hours), ``no_agents`` (nobody online) or
    ``timeout`` (waited too long); ``leave_message`` says whether to offer the leave-a-message form.
    """

    type: ClassVar[str] = "queue"
    conversation_id: int
    position: int
    eta_seconds: int | None
    text: str
    state: str = "waiting"
    leave_message: bool = False

    def to_wire(self) -> dict[str, Any]:
        """The frame sent to WebSocket clients."""
        return _wire(self)


@dataclass(frozen=True, slots=True)
class ConversationTransferred:
    """An agent (or supervisor) handed a conversation to another agent or group, with a note for them."""

    type: ClassVar[str] = "transfer"
    conversation_id: int
    from_user_id: int | None
    from_name: str
    to_user_id: int | None
    to_group_id: int | None
    note: str

    def to_wire(self) -> dict[str, Any]:
        """The frame sent to agents' WebSocket clients (never to the customer)."""
        return _wire(self)


@dataclass(frozen=True, slots=True)
class SupervisorAlert:
    """Something supervisors should look at, e.g. ``kind="sla_breach"`` (no first reply in time)."""

    type: ClassVar[str] = "alert"
    conversation_id: int
    kind: str
    text: str
    agent_id: int | None = None

    def to_wire(self) -> dict[str, Any]:
        """The frame sent to supervisors' and admins' WebSocket clients."""
        return _wire(self)


@dataclass(frozen=True, slots=True)
class PresenceChanged:
    """An agent's routing presence (online / away / offline) or capacity changed."""

    type: ClassVar[str] = "presence"
    user_id: int
    status: str
    capacity: int

    def to_wire(self) -> dict[str, Any]:
        """The frame sent to the agent themself and to supervisors."""
        return _wire(self)


@dataclass(frozen=True, slots=True)
class TextsChanged:
    """An admin set or reset the organisation's wording of a text; every node reloads its text book."""

    type: ClassVar[str] = "texts"
    code: str
    locale: str
    overridden: bool

    def to_wire(self) -> dict[str, Any]:
        """The frame sent to WebSocket clients (admins' pages)."""
        return _wire(self)


ConversationEvent: TypeAlias = (
    MessageCreated
    | ConversationChanged
    | ConversationRead
    | Typing
    | QueueUpdate
    | ConversationTransferred
    | SupervisorAlert
)
Event: TypeAlias = ConversationEvent | KnowledgeChanged | PresenceChanged | TextsChanged
