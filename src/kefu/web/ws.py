"""The WebSocket endpoint for customers (``?token=`` visitor token) and agents (session cookie).

Client frames (JSON): ``subscribe`` {conversation_id, after_seq}, ``send`` {conversation_id,
client_msg_id, text}, ``typing`` {conversation_id}, ``read`` {conversation_id, seq}, ``ping``; staff
only: ``view`` {conversation_id | null} (the conversation the console has open) and ``staff_typing``
{conversation_id, area: reply | note}.
Server frames: ``hello``, ``message``, ``conversation``, ``read``, ``typing``, ``subscribed``, ``ack``,
``error``, ``pong``; staff only: ``note``, ``mention``, ``viewers``, ``staff_typing``. A bad frame gets
an ``error`` frame and changes nothing; the socket stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kefu.channels.web import resolve_visitor
from kefu.context import Context
from kefu.conversations import actions
from kefu.errors import KefuError, NotAuthenticated, Overloaded
from kefu.notes import actions as note_actions
from kefu.routing import presence
from kefu.security.access import load_visible, require_agent
from kefu.security.auth import resolve_session
from kefu.security.principals import AgentPrincipal, Principal
from kefu.storage.errors import is_transient
from kefu.web.deps import SESSION_COOKIE
from kefu.web.hub import Connection, Frame, Hub

router = APIRouter()
POLICY_VIOLATION = 1008


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SubscribeFrame(_Frame):
    type: str
    conversation_id: int
    after_seq: int = Field(default=0, ge=0)


class SendFrame(_Frame):
    type: str
    conversation_id: int
    text: str
    client_msg_id: str | None = None
    pick_entry_id: int | None = None


class TypingFrame(_Frame):
    type: str
    conversation_id: int


class ReadFrame(_Frame):
    type: str
    conversation_id: int
    seq: int = Field(ge=0)


class ViewFrame(_Frame):
    type: str
    conversation_id: int | None


class StaffTypingFrame(_Frame):
    type: str
    conversation_id: int
    area: str = "note"


FRAMES: dict[str, type[_Frame]] = {
    "subscribe": SubscribeFrame,
    "send": SendFrame,
    "typing": TypingFrame,
    "read": ReadFrame,
    "view": ViewFrame,
    "staff_typing": StaffTypingFrame,
}


def _error(code: str, message: str, **extra: Any) -> Frame:
    return Frame({"type": "error", "code": code, "message": message, **extra})


def _same_origin(websocket: WebSocket) -> bool:
    """Cookie-authenticated sockets must come from kefu's own pages (no cross-site hijacking)."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True  # Not a browser; a browser always sends Origin on WebSocket handshakes.
    return urlsplit(origin).netloc == websocket.headers.get("host", "")


async def _authenticate(ctx: Context, websocket: WebSocket) -> Principal:
    token = websocket.query_params.get("token")
    if token:
        return await resolve_visitor(ctx, token)
    cookie = websocket.cookies.get(SESSION_COOKIE)
    if not cookie or not _same_origin(websocket):
        raise NotAuthenticated("sign in or present a visitor token")
    return await resolve_session(ctx, cookie)


def hello_frame(principal: Principal) -> dict[str, Any]:
    """The first frame: who the server thinks the client is."""
    if isinstance(principal, AgentPrincipal):
        return {
            "type": "hello",
            "kind": "agent",
            "user_id": principal.user_id,
            "name": principal.display_name,
        }
    return {
        "type": "hello",
        "kind": "customer",
        "customer_id": principal.customer_id,
        "name": principal.display_name,
    }


@router.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket) -> None:
    """Authenticate, then run the reader here and the writer in a task until either ends."""
    ctx: Context = websocket.app.state.ctx
    hub: Hub = websocket.app.state.hub
    try:
        principal = await _authenticate(ctx, websocket)
    except KefuError as exc:
        await websocket.close(code=POLICY_VIOLATION, reason=exc.code)
        return
    await websocket.accept()
    connection = Connection(websocket, principal)
    hub.add(connection)
    agent_id = principal.user_id if isinstance(principal, AgentPrincipal) else None
    if agent_id is not None:
        with contextlib.suppress(Exception):
            await presence.connected(ctx, agent_id)  # routing counts the agent's live connections
    connection.push(Frame(hello_frame(principal)))
    writer = asyncio.create_task(hub.run_writer(connection))
    try:
        await _read_frames(ctx, hub, connection, writer)
    finally:
        hub.remove(connection)
        if agent_id is not None:
            presence.disconnected_soon(ctx, agent_id)
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await writer
        with contextlib.suppress(Exception):
            await websocket.close()


async def _read_frames(ctx: Context, hub: Hub, connection: Connection, writer: asyncio.Task[None]) -> None:
    websocket = connection.websocket
    while not writer.done():
        receive = asyncio.create_task(websocket.receive())
        done, _ = await asyncio.wait({receive, writer}, return_when=asyncio.FIRST_COMPLETED)
        if receive not in done:
            receive.cancel()
            return
        try:
            message = receive.result()
        except (WebSocketDisconnect, RuntimeError):
            return
        if message["type"] == "websocket.disconnect":
            return
        raw = message.get("text")
        if raw is None:
            raw = (message.get("bytes") or b"").decode("utf-8", errors="replace")
        reply = await handle_frame(ctx, hub, connection, raw)
        if reply is not None:
            connection.push(reply)


async def handle_frame(ctx: Context, hub: Hub, connection: Connection, raw: str) -> Frame | None:
    """Validate one client frame and act on it; returns the frame to answer with, if any."""
    if len(raw.encode()) > ctx.settings.max_ws_frame_bytes:
        return _error("frame_too_large", f"frames are limited to {ctx.settings.max_ws_frame_bytes} bytes")
    try:
        data = json.loads(raw)
    except ValueError:
        return _error("bad_frame", "frame is not valid JSON")
    if not isinstance(data, dict):
        return _error("bad_frame", "frame must be a JSON object")
    kind = data.get("type")
    if kind == "ping":
        return Frame({"type": "pong"})
    model = FRAMES.get(kind) if isinstance(kind, str) else None
    if model is None:
        return _error("bad_frame", f"unknown frame type {kind!r}")
    client_msg_id = data.get("client_msg_id") if isinstance(data.get("client_msg_id"), str) else None
    try:
        frame = model.model_validate(data)
        return await _dispatch(ctx, hub, connection, frame)
    except ValidationError as exc:
        return _error("bad_frame", exc.errors()[0]["msg"], client_msg_id=client_msg_id)
    except Overloaded as exc:
        # Nothing was stored: the client sends the same frame (same client_msg_id) again shortly.
        return _error(exc.code, exc.message, client_msg_id=client_msg_id, retryable=True)
    except KefuError as exc:
        return _error(exc.code, exc.message, client_msg_id=client_msg_id, conversation_id=data.get("conversation_id"))
    except Exception as exc:
        if not is_transient(exc):
            raise
        # The database is busy (pool exhausted, lock timeout): the frame changed nothing; say so, keep the socket.
        return _error("overloaded", "server busy; send again shortly", client_msg_id=client_msg_id, retryable=True)


async def _dispatch(ctx: Context, hub: Hub, connection: Connection, frame: _Frame) -> Frame | None:
    principal = connection.principal
    if isinstance(frame, SubscribeFrame):
        async with ctx.uow() as uow:
            await load_visible(uow.session, principal, frame.conversation_id)
        hub.follow(connection, frame.conversation_id, frame.after_seq)
        return None
    if isinstance(frame, SendFrame):
        meta = {"pick": frame.pick_entry_id} if frame.pick_entry_id is not None else None
        view, created = await actions.send_message(
            ctx, principal, frame.conversation_id, frame.text, client_msg_id=frame.client_msg_id, meta=meta
        )
        return Frame(
            {
                "type": "ack",
                "client_msg_id": frame.client_msg_id,
                "message": view.to_dict(),
                "duplicate": not created,
            }
        )
    if isinstance(frame, TypingFrame):
        await actions.typing(ctx, principal, frame.conversation_id)
        return None
    if isinstance(frame, ReadFrame):
        await actions.mark_read(ctx, principal, frame.conversation_id, frame.seq)
        return None
    if isinstance(frame, ViewFrame):
        agent = require_agent(principal)
        if frame.conversation_id is not None:
            async with ctx.uow() as uow:
                await load_visible(uow.session, agent, frame.conversation_id)
        hub.view(connection, frame.conversation_id)
        return None
    if isinstance(frame, StaffTypingFrame):
        await note_actions.staff_typing(ctx, require_agent(principal), frame.conversation_id, frame.area)
        return None
    return None
