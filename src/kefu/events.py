"""Typed events: every state change emits one after its transaction commits.

Events are plain frozen dataclasses so they can cross process boundaries (Redis) as JSON later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, TypeAlias

from kefu.conversations.views import ConversationView, MessageView


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
        return {"type": self.type, "message": self.message.to_dict()}


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
        return {"type": self.type, "change": self.change, "conversation": self.conversation.to_dict()}


@dataclass(frozen=True, slots=True)
class ConversationRead:
    """A participant has read the conversation up to ``seq``."""

    type: ClassVar[str] = "read"
    conversation_id: int
    reader: str
    seq: int

    def to_wire(self) -> dict[str, Any]:
        """The frame sent to WebSocket clients."""
        return {
            "type": self.type,
            "conversation_id": self.conversation_id,
            "reader": self.reader,
            "seq": self.seq,
        }


@dataclass(frozen=True, slots=True)
class Typing:
    """A participant is typing (ephemeral: never stored)."""

    type: ClassVar[str] = "typing"
    conversation_id: int
    sender_kind: str
    sender_name: str

    def to_wire(self) -> dict[str, Any]:
        """The frame sent to WebSocket clients."""
        return {
            "type": self.type,
            "conversation_id": self.conversation_id,
            "sender_kind": self.sender_kind,
            "sender_name": self.sender_name,
        }


@dataclass(frozen=True, slots=True)
class KnowledgeChanged:
    """Knowledge-base entries (or the bot's dictionary) changed; the bot rebuilds its index."""

    type: ClassVar[str] = "knowledge"
    entry_ids: tuple[int, ...]

    def to_wire(self) -> dict[str, Any]:
        """The frame sent to WebSocket clients (admins' pages)."""
        return {"type": self.type, "entry_ids": list(self.entry_ids)}


ConversationEvent: TypeAlias = MessageCreated | ConversationChanged | ConversationRead | Typing
Event: TypeAlias = ConversationEvent | KnowledgeChanged
