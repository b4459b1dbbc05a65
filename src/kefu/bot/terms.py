"""The company's own dictionary (words that must stay whole) and synonyms, editable by admins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kefu.bot.entries import require_editor
from kefu.context import Context
from kefu.errors import InvalidInput, NotFound
from kefu.events import KnowledgeChanged
from kefu.security.principals import Principal
from kefu.storage.repositories import bot as bot_repo
from kefu.storage.tables import BotTerm

KINDS = ("word", "synonym")


@dataclass(frozen=True, slots=True)
class TermView:
    """A dictionary word, or a synonym with the canonical word it stands for."""

    id: int
    kind: str
    term: str
    canonical: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"id": self.id, "kind": self.kind, "term": self.term, "canonical": self.canonical}


async def list_terms(ctx: Context) -> list[TermView]:
    """Every word and synonym."""
    async with ctx.uow() as uow:
        return [TermView(t.id, t.kind, t.term, t.canonical) for t in await bot_repo.list_terms(uow.session)]


async def add_term(ctx: Context, principal: Principal, kind: str, term: str, canonical: str | None = None) -> TermView:
    """Add a dictionary word (``kind='word'``) or a synonym of ``canonical``; the bot re-indexes at once."""
    require_editor(principal)
    term = term.strip()
    canonical = (canonical or "").strip() or None
    if kind not in KINDS:
        raise InvalidInput("kind must be word or synonym", code="bad_term")
    if not term or len(term) > 100:
        raise InvalidInput("term must be 1–100 characters", code="bad_term")
    if kind == "synonym" and (canonical is None or canonical == term or len(canonical) > 100):
        raise InvalidInput("a synonym needs a different canonical word", code="bad_term")
    async with ctx.uow() as uow:
        if await bot_repo.find_term(uow.session, kind, term) is not None:
            raise InvalidInput(f"{term!r} is already in the dictionary", code="term_exists")
        row = BotTerm(
            kind=kind, term=term, canonical=canonical if kind == "synonym" else None, created_at=ctx.clock.now()
        )
        uow.session.add(row)
        await uow.session.flush()
        view = TermView(row.id, row.kind, row.term, row.canonical)
        uow.emit(KnowledgeChanged(()))
        await uow.commit()
        return view


async def delete_term(ctx: Context, principal: Principal, term_id: int) -> None:
    """Remove a word or synonym."""
    require_editor(principal)
    async with ctx.uow() as uow:
        if not await bot_repo.delete_term(uow.session, term_id):
            raise NotFound("term not found", code="term_not_found")
        uow.emit(KnowledgeChanged(()))
        await uow.commit()
