"""Read-only views of conversations and messages: what events carry and APIs return."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kefu.conversations.status import ConversationScope, Status

if TYPE_CHECKING:  # only for annotations: views are plain data that events carry across nodes
    from kefu.storage.tables import Attachment, Conversation, Message

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def scope_of(row: Conversation) -> ConversationScope:
    """The access-relevant summary of a stored conversation."""
    return ConversationScope(row.customer_id, Status(row.status), row.assignee_id, row.skill_group_id, row.channel)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True, slots=True)
class AttachmentView:
    """An attachment's public description (never its storage path)."""

    id: int
    filename: str
    content_type: str
    size: int
    is_image: bool

    @classmethod
    def of(cls, row: Attachment) -> AttachmentView:
        """Build from a stored row."""
        return cls(row.id, row.filename, row.content_type, row.size, row.content_type in IMAGE_TYPES)


@dataclass(frozen=True, slots=True)
class MessageView:
    """A message as participants see it."""

    id: int
    conversation_id: int
    seq: int
    sender_kind: str
    sender_name: str
    text: str
    attachment: AttachmentView | None
    client_msg_id: str | None
    created_at: str
    meta: dict[str, Any] | None = None

    @classmethod
    def of(cls, row: Message) -> MessageView:
        """Build from a stored row (its attachment and sender are loaded with it)."""
        name = row.sender_user.display_name if row.sender_user is not None else ""
        attachment = AttachmentView.of(row.attachment) if row.attachment is not None else None
        return cls(
            id=row.id,
            conversation_id=row.conversation_id,
            seq=row.seq,
            sender_kind=row.sender_kind,
            sender_name=name,
            text=row.text,
            attachment=attachment,
            client_msg_id=row.client_msg_id,
            created_at=row.created_at.isoformat(),
            meta=json.loads(row.meta) if row.meta else None,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ConversationView:
    """A conversation's summary for lists, headers and events."""

    id: int
    customer_id: int
    customer_name: str
    channel: str
    status: Status
    skill_group_id: int | None
    skill_group_name: str | None
    assignee_id: int | None
    assignee_name: str | None
    last_seq: int
    agent_read_seq: int
    customer_read_seq: int
    created_at: str
    updated_at: str
    closed_at: str | None
    last_message_at: str | None
    handover_reason: str | None = None
    queued_at: str | None = None
    assigned_at: str | None = None
    first_response_at: str | None = None
    closed_reason: str | None = None

    @classmethod
    def of(cls, row: Conversation) -> ConversationView:
        """Build from a stored row (customer, assignee and group are loaded with it)."""
        return cls(
            id=row.id,
            customer_id=row.customer_id,
            customer_name=row.customer.display_name if row.customer is not None else "",
            channel=row.channel,
            status=Status(row.status),
            skill_group_id=row.skill_group_id,
            skill_group_name=row.skill_group.name if row.skill_group is not None else None,
            assignee_id=row.assignee_id,
            assignee_name=row.assignee.display_name if row.assignee is not None else None,
            last_seq=row.last_seq,
            agent_read_seq=row.agent_read_seq,
            customer_read_seq=row.customer_read_seq,
            created_at=row.created_at.isoformat(),
            updated_at=row.updated_at.isoformat(),
            closed_at=_iso(row.closed_at),
            last_message_at=_iso(row.last_message_at),
            handover_reason=row.handover_reason,
            queued_at=_iso(row.queued_at),
            assigned_at=_iso(row.assigned_at),
            first_response_at=_iso(row.first_response_at),
            closed_reason=row.closed_reason,
        )

    def scope(self) -> ConversationScope:
        """Who may see this conversation depends on these fields only."""
        return ConversationScope(self.customer_id, self.status, self.assignee_id, self.skill_group_id, self.channel)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)
