"""Questions the bot missed: listed for supervisors, who turn them into entries or dismiss them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kefu.bot.entries import require_editor
from kefu.context import Context
from kefu.errors import InvalidInput, NotFound
from kefu.security.principals import Principal
from kefu.storage.repositories import bot as bot_repo


@dataclass(frozen=True, slots=True)
class MissedView:
    """One missed question."""

    id: int
    conversation_id: int
    text: str
    reason: str
    best_entry_id: int | None
    best_confidence: float | None
    resolved: bool
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "text": self.text,
            "reason": self.reason,
            "best_entry_id": self.best_entry_id,
            "best_confidence": self.best_confidence,
            "resolved": self.resolved,
            "created_at": self.created_at,
        }


async def list_missed(
    ctx: Context, principal: Principal, *, limit: int = 100, include_resolved: bool = False
) -> list[MissedView]:
    """The newest missed questions (admins and supervisors)."""
    require_editor(principal)
    if not 1 <= limit <= 500:
        raise InvalidInput("limit must be 1..500", code="bad_limit")
    async with ctx.uow() as uow:
        rows = await bot_repo.list_missed(uow.session, limit, include_resolved)
        return [
            MissedView(
                r.id,
                r.conversation_id,
                r.text,
                r.reason,
                r.best_entry_id,
                r.best_confidence,
                r.resolved,
                r.created_at.isoformat(),
            )
            for r in rows
        ]


async def resolve_missed(ctx: Context, principal: Principal, missed_id: int) -> None:
    """Mark a missed question as dealt with (an entry was written, or it was not worth one)."""
    require_editor(principal)
    async with ctx.uow() as uow:
        row = await bot_repo.get_missed(uow.session, missed_id)
        if row is None:
            raise NotFound("missed question not found", code="missed_not_found")
        row.resolved = True
        await uow.commit()
