"""Read-only views of notes and mentions: what events carry and the console's REST routes return.

They are plain data (no ORM behaviour) so events round-trip through JSON between nodes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only
    from kefu.storage.tables import ConversationNote, NoteMention

EXCERPT_CHARS = 80


@dataclass(frozen=True, slots=True)
class NoteView:
    """An internal note as staff see it; ``after_seq`` places it in the thread between messages."""

    id: int
    conversation_id: int
    author_id: int
    author_name: str
    body: str
    after_seq: int
    mention_ids: tuple[int, ...]
    created_at: str

    @classmethod
    def of(cls, row: ConversationNote, mention_ids: tuple[int, ...] = ()) -> NoteView:
        """Build from a stored row (its author loaded with it)."""
        return cls(
            id=row.id,
            conversation_id=row.conversation_id,
            author_id=row.author_id,
            author_name=row.author.display_name,
            body=row.body,
            after_seq=row.after_seq,
            mention_ids=mention_ids,
            created_at=row.created_at.isoformat(),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        data["mention_ids"] = list(self.mention_ids)
        return data


def excerpt(body: str) -> str:
    """The start of a note, for a toast or a list row."""
    flat = " ".join(body.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1] + "…"


@dataclass(frozen=True, slots=True)
class MentionView:
    """A mention of the caller in a note of a conversation they may see."""

    id: int
    note_id: int
    conversation_id: int
    by_user_id: int
    by_name: str
    excerpt: str
    created_at: str
    read: bool

    @classmethod
    def of(cls, row: NoteMention) -> MentionView:
        """Build from a stored row (its note and the note's author loaded with it)."""
        return cls(
            id=row.id,
            note_id=row.note_id,
            conversation_id=row.conversation_id,
            by_user_id=row.note.author_id,
            by_name=row.note.author.display_name,
            excerpt=excerpt(row.note.body),
            created_at=row.created_at.isoformat(),
            read=row.read_at is not None,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)
