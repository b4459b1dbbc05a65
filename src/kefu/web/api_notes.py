"""Internal notes and mentions for the console: staff only (a visitor token gets 403 before any read)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from kefu.notes import actions
from kefu.web.deps import AgentDep, CtxDep
from kefu.web.responses import MarkedOut, MentionableListOut, MentionListOut, NoteEnvelope, NoteListOut
from kefu.web.schemas import MentionsReadIn, NoteIn

router = APIRouter(prefix="/api/v1", tags=["notes"])


@router.get("/conversations/{conversation_id}/notes", response_model=NoteListOut)
async def list_notes(conversation_id: int, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """The conversation's internal notes, oldest first (for staff who may see the conversation)."""
    views = await actions.list_notes(ctx, agent, conversation_id)
    return {"notes": [view.to_dict() for view in views]}


@router.post("/conversations/{conversation_id}/notes", response_model=NoteEnvelope)
async def add_note(conversation_id: int, body: NoteIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Write an internal note; mentioned colleagues (ids, or ``@名字`` in the text) are notified."""
    view = await actions.add_note(ctx, agent, conversation_id, body.body, body.mention_ids)
    return {"note": view.to_dict()}


@router.get("/conversations/{conversation_id}/mentionable", response_model=MentionableListOut)
async def mentionable(conversation_id: int, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Colleagues who may see this conversation, for the note box's @ autocomplete."""
    users = await actions.mentionable(ctx, agent, conversation_id)
    return {"users": [{"id": u.id, "username": u.username, "display_name": u.display_name} for u in users]}


@router.get("/mentions", response_model=MentionListOut)
async def list_mentions(
    agent: AgentDep,
    ctx: CtxDep,
    unread: Annotated[bool, Query(description="only unread mentions")] = True,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """The caller's mentions, newest first, in conversations they may still see."""
    views = await actions.list_mentions(ctx, agent, unread_only=unread, limit=limit)
    unread_count = sum(1 for v in views if not v.read) if unread else None
    if unread_count is None:
        unread_count = len(await actions.list_mentions(ctx, agent, unread_only=True, limit=200))
    return {"mentions": [view.to_dict() for view in views], "unread": unread_count}


@router.post("/mentions/read", response_model=MarkedOut)
async def mark_read(body: MentionsReadIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """The caller opened the conversation: their mentions in it are read."""
    return {"marked": await actions.mark_mentions_read(ctx, agent, body.conversation_id)}
