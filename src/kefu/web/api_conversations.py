"""Conversation routes shared by customers (Bearer visitor token) and agents (session cookie)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import FileResponse

from kefu.conversations import actions, attachments, queries
from kefu.errors import TooLarge
from kefu.routing import assignment
from kefu.web.deps import AgentDep, CtxDep, PrincipalDep
from kefu.web.responses import ConversationEnvelope, ConversationListOut, MessageListOut, OkOut, SentOut, file_response
from kefu.web.schemas import ReadIn, SendIn

router = APIRouter(prefix="/api/v1", tags=["conversations"])


@router.get("/conversations", response_model=ConversationListOut)
async def list_conversations(
    principal: PrincipalDep,
    ctx: CtxDep,
    view: Annotated[str, Query(description="agents: waiting | mine | closed | all")] = "mine",
    limit: Annotated[int, Query()] = 100,
) -> dict[str, Any]:
    """The caller's conversations (customers: their own; agents: the chosen view)."""
    rows = await queries.list_for(ctx, principal, view, limit)
    return {"conversations": [row.to_dict() for row in rows]}


@router.get("/conversations/{conversation_id}", response_model=ConversationEnvelope)
async def get_conversation(conversation_id: int, principal: PrincipalDep, ctx: CtxDep) -> dict[str, Any]:
    """One conversation."""
    view = await queries.get_conversation(ctx, principal, conversation_id)
    return {"conversation": view.to_dict()}


@router.get("/conversations/{conversation_id}/messages", response_model=MessageListOut)
async def list_messages(
    conversation_id: int,
    principal: PrincipalDep,
    ctx: CtxDep,
    after_seq: Annotated[int | None, Query(ge=0)] = None,
    before_seq: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query()] = 50,
) -> dict[str, Any]:
    """History in order. ``after_seq`` pages forward (catch-up); ``before_seq`` pages back."""
    rows = await queries.history(
        ctx, principal, conversation_id, after_seq=after_seq, before_seq=before_seq, limit=limit
    )
    return {"messages": [row.to_dict() for row in rows]}


@router.post("/conversations/{conversation_id}/messages", response_model=SentOut)
async def send_message(conversation_id: int, body: SendIn, principal: PrincipalDep, ctx: CtxDep) -> dict[str, Any]:
    """Send a text; acknowledged only once stored. A resend with the same ``client_msg_id`` is a no-op."""
    meta = {"pick": body.pick_entry_id} if body.pick_entry_id is not None else None
    view, created = await actions.send_message(
        ctx, principal, conversation_id, body.text, client_msg_id=body.client_msg_id, meta=meta
    )
    return {"message": view.to_dict(), "duplicate": not created}


@router.post("/conversations/{conversation_id}/attachments", response_model=SentOut)
async def send_attachment(
    conversation_id: int,
    principal: PrincipalDep,
    ctx: CtxDep,
    file: Annotated[UploadFile, File()],
    text: Annotated[str, Form()] = "",
    client_msg_id: Annotated[str | None, Form()] = None,
) -> dict[str, Any]:
    """Send an image or file (PNG, JPEG, GIF, WebP, PDF, plain text), checked by content and size."""
    limit = ctx.settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"file is larger than {limit} bytes", code="file_too_large")
    view, created = await attachments.send_file(
        ctx, principal, conversation_id, file.filename or "file", data, text=text, client_msg_id=client_msg_id
    )
    return {"message": view.to_dict(), "duplicate": not created}


@router.post("/conversations/{conversation_id}/read", response_model=OkOut)
async def mark_read(conversation_id: int, body: ReadIn, principal: PrincipalDep, ctx: CtxDep) -> dict[str, bool]:
    """Mark the conversation read up to ``seq`` for the caller's side."""
    await actions.mark_read(ctx, principal, conversation_id, body.seq)
    return {"ok": True}


@router.post("/conversations/{conversation_id}/take", response_model=ConversationEnvelope)
async def take(conversation_id: int, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Take a waiting conversation (409 if another agent took it first, if you are at capacity, or if a
    conversation of higher priority waits for you; supervisors may exceed capacity)."""
    view = await assignment.pick(ctx, agent, conversation_id)
    return {"conversation": view.to_dict()}


@router.post("/conversations/{conversation_id}/close", response_model=ConversationEnvelope)
async def close(conversation_id: int, principal: PrincipalDep, ctx: CtxDep) -> dict[str, Any]:
    """Close the conversation."""
    view = await actions.close(ctx, principal, conversation_id)
    return {"conversation": view.to_dict()}


@router.get("/customers/{customer_id}/conversations", response_model=ConversationListOut)
async def customer_conversations(customer_id: int, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """The customer's conversations, for the agent serving them."""
    rows = await queries.customer_conversations(ctx, agent, customer_id)
    return {"conversations": [row.to_dict() for row in rows]}


@router.get(
    "/attachments/{attachment_id}",
    response_class=FileResponse,
    responses=file_response("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"),
)
async def get_attachment(attachment_id: int, principal: PrincipalDep, ctx: CtxDep) -> FileResponse:
    """An attachment's bytes, for the conversation's participants only."""
    row, path = await attachments.open_attachment(ctx, principal, attachment_id)
    inline = row.content_type.startswith("image/")
    return FileResponse(
        path,
        media_type=row.content_type,
        filename=row.filename,
        content_disposition_type="inline" if inline else "attachment",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"},
    )
