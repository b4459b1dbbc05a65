"""Internal notes: write, list, and the mentions they carry. Each write is one transaction.

Who may read and write a conversation's notes is the access policy's answer for the conversation
(``security.access.load_visible``), for staff only: a customer principal is refused before anything
is read. A note is stored in ``conversation_notes``, never in ``messages``, so the paths that serve
customers (history, catch-up, channel senders, transcripts) cannot show it. A colleague may be
mentioned only if the policy lets them see the conversation: the notification names it and quotes
the note, so mentioning someone who may not look would leak it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from kefu.context import Context
from kefu.conversations.views import scope_of
from kefu.errors import InvalidInput
from kefu.events import Mentioned, NoteAdded, StaffTyping
from kefu.notes.views import MentionView, NoteView, excerpt
from kefu.security.access import can_view, load_visible, require_agent, visible_clause
from kefu.security.auth import principal_of
from kefu.security.principals import AgentPrincipal, Principal
from kefu.storage.repositories import notes as note_repo
from kefu.storage.tables import Conversation, User

NOTES_PAGE = 500
TYPING_AREAS = frozenset({"reply", "note"})


def check_body(ctx: Context, body: str) -> str:
    """A note's text: not blank, not longer than a message may be."""
    if len(body) > ctx.settings.max_message_chars:
        raise InvalidInput(f"note is longer than {ctx.settings.max_message_chars} characters", code="note_too_long")
    if not body.strip():
        raise InvalidInput("note is empty", code="note_empty")
    return body


async def _mentionable(session: AsyncSession, conversation: Conversation) -> list[User]:
    """Active staff whom the access policy lets see the conversation."""
    scope = scope_of(conversation)
    return [
        user for user in await note_repo.active_staff(session) if await can_view(session, principal_of(user), scope)
    ]


def mentioned_by_name(body: str, candidates: Sequence[User]) -> set[int]:
    """The candidates written as ``@显示名`` or ``@username`` in the text (ended by a non-word character)."""
    found: set[int] = set()
    for user in candidates:
        names = "|".join(re.escape(name) for name in (user.display_name, user.username) if name)
        if names and re.search(rf"@(?:{names})(?!\w)", body):
            found.add(user.id)
    return found


async def add_note(
    ctx: Context, principal: Principal, conversation_id: int, body: str, mention_ids: Collection[int] = ()
) -> NoteView:
    """Store a note, notify the colleagues it mentions (explicit ids and ``@name`` in the text)."""
    agent = require_agent(principal)
    check_body(ctx, body)
    async with ctx.uow() as uow:
        conversation = await load_visible(uow.session, agent, conversation_id)
        candidates = await _mentionable(uow.session, conversation)
        allowed = {user.id for user in candidates}
        refused = set(mention_ids) - allowed
        if refused:
            raise InvalidInput("a mentioned colleague may not see this conversation", code="mention_not_allowed")
        mentioned = (set(mention_ids) | mentioned_by_name(body, candidates)) - {agent.user_id}
        now = ctx.clock.now()
        row = await note_repo.add_note(uow.session, conversation_id, agent.user_id, body, conversation.last_seq, now)
        mentions = await note_repo.add_mentions(uow.session, row, mentioned, now)
        view = NoteView.of(row, tuple(sorted(mentioned)))
        uow.emit(NoteAdded(view, scope_of(conversation)))
        for mention in mentions:
            uow.emit(
                Mentioned(
                    mention.id,
                    mention.user_id,
                    conversation_id,
                    row.id,
                    agent.user_id,
                    agent.display_name,
                    excerpt(body),
                )
            )
        await uow.commit()
        return view


async def list_notes(ctx: Context, principal: Principal, conversation_id: int) -> list[NoteView]:
    """The conversation's notes, oldest first (the most recent ``NOTES_PAGE``)."""
    agent = require_agent(principal)
    async with ctx.uow() as uow:
        await load_visible(uow.session, agent, conversation_id)
        rows = await note_repo.list_notes(uow.session, conversation_id, NOTES_PAGE)
        mentions = await note_repo.mentioned_in(uow.session, [row.id for row in rows])
        return [NoteView.of(row, mentions.get(row.id, ())) for row in rows]


async def mentionable(ctx: Context, principal: Principal, conversation_id: int) -> list[User]:
    """Colleagues the caller may @mention in this conversation's notes (not the caller)."""
    agent = require_agent(principal)
    async with ctx.uow() as uow:
        conversation = await load_visible(uow.session, agent, conversation_id)
        return [user for user in await _mentionable(uow.session, conversation) if user.id != agent.user_id]


async def list_mentions(ctx: Context, principal: Principal, *, unread_only: bool, limit: int) -> list[MentionView]:
    """The caller's mentions, newest first, in conversations they may still see."""
    agent = require_agent(principal)
    limit = max(1, min(limit, 200))
    async with ctx.uow() as uow:
        rows = await note_repo.list_mentions(
            uow.session, agent.user_id, visible_clause(agent), unread_only=unread_only, limit=limit
        )
        return [MentionView.of(row) for row in rows]


async def mark_mentions_read(ctx: Context, principal: Principal, conversation_id: int) -> int:
    """The caller opened the conversation: their mentions in it are read."""
    agent = require_agent(principal)
    async with ctx.uow() as uow:
        await load_visible(uow.session, agent, conversation_id)
        count = await note_repo.mark_mentions_read(uow.session, agent.user_id, conversation_id, ctx.clock.now())
        await uow.commit()
        return count


async def staff_typing(ctx: Context, agent: AgentPrincipal, conversation_id: int, area: str) -> None:
    """Tell colleagues following the conversation that ``agent`` is typing (not stored, not for the customer)."""
    if area not in TYPING_AREAS:
        raise InvalidInput("area must be reply or note", code="bad_area")
    async with ctx.uow() as uow:
        conversation = await load_visible(uow.session, agent, conversation_id)
        scope = scope_of(conversation)
    await ctx.bus.publish(StaffTyping(conversation_id, agent.user_id, agent.display_name, area, scope))
