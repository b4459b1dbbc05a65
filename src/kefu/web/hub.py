"""Fan-out of bus events to WebSocket clients, with per-conversation catch-up and exactly-once order.

Each connection has one writer task that handles, in order, both live events and catch-up requests.
For a subscribed conversation it remembers the last sequence number sent: older messages are
dropped, the next one is sent, and a gap is filled from the database. So a client that reconnects
with its last seen number receives exactly what it missed, in order, then live messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from fastapi import WebSocket

from kefu.context import Context
from kefu.conversations.views import ConversationView, MessageView
from kefu.events import (
    ConversationChanged,
    ConversationEvent,
    ConversationTransferred,
    Event,
    KnowledgeChanged,
    MessageCreated,
    PresenceChanged,
    QueueUpdate,
    SupervisorAlert,
    TextsChanged,
    Typing,
)
from kefu.security.access import in_agent_scope
from kefu.security.principals import AgentPrincipal, CustomerPrincipal, Principal
from kefu.storage.repositories import conversations as conversation_repo
from kefu.storage.repositories import messages as message_repo

log = logging.getLogger(__name__)
QUEUE_LIMIT = 2000
CATCH_UP_PAGE = 200


@dataclass(frozen=True, slots=True)
class Subscribe:
    """A client asked for a conversation's messages after ``after_seq`` and live ones from then on."""

    conversation_id: int
    after_seq: int


@dataclass(frozen=True, slots=True)
class Frame:
    """A ready frame (ack, error, pong) to send as it is."""

    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Conversational:
    """Who may see a conversation, as needed to route events about it."""

    customer_id: int
    status: str
    assignee_id: int | None
    skill_group_id: int | None

    @classmethod
    def of_view(cls, view: ConversationView) -> Conversational:
        """From an event's conversation view."""
        return cls(view.customer_id, view.status, view.assignee_id, view.skill_group_id)


Item = ConversationEvent | PresenceChanged | Subscribe | Frame | None


class Connection:
    """One WebSocket client and its outgoing queue."""

    def __init__(self, websocket: WebSocket, principal: Principal) -> None:
        self.websocket = websocket
        self.principal = principal
        self.queue: asyncio.Queue[Item] = asyncio.Queue(QUEUE_LIMIT)
        self.wanted: set[int] = set()  # subscriptions requested (events for them are queued)
        self.last_seq: dict[int, int] = {}  # subscriptions served: last sequence number sent
        self.overflowed = False

    def push(self, item: Item) -> None:
        """Queue an item; a client too slow to keep up is disconnected (it will resume on reconnect)."""
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.overflowed = True
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
            self.queue.put_nowait(None)

    def subscribe(self, conversation_id: int, after_seq: int) -> None:
        """Start receiving a conversation (access must have been checked by the caller)."""
        self.wanted.add(conversation_id)
        self.push(Subscribe(conversation_id, after_seq))

    def receives(self, event: ConversationEvent, conversation: Conversational | None) -> bool:
        """Whether this client should get ``event``."""
        if isinstance(event, Typing) and event.sender_kind == self.principal.kind:
            return False
        if isinstance(event, ConversationTransferred | SupervisorAlert):
            return _agent_only_receives(self.principal, event, conversation)
        if event.conversation_id in self.wanted:
            return True
        if isinstance(self.principal, CustomerPrincipal):
            return (
                conversation is not None
                and conversation.customer_id == self.principal.customer_id
                and (isinstance(event, ConversationChanged | QueueUpdate))
            )
        return conversation is not None and in_agent_scope(self.principal, conversation)


def _agent_only_receives(
    principal: Principal, event: ConversationTransferred | SupervisorAlert, conversation: Conversational | None
) -> bool:
    """Transfer notes go to agents following the conversation; alerts to supervisors. Never customers."""
    if not isinstance(principal, AgentPrincipal):
        return False
    if isinstance(event, SupervisorAlert):
        return principal.sees_everything
    return conversation is not None and in_agent_scope(principal, conversation)


class Hub:
    """Every WebSocket connection of this node; subscribed to the bus."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.connections: set[Connection] = set()

    async def on_event(self, event: Event) -> None:
        """Bus listener: queue the event for each connection that should receive it (never blocks)."""
        if not self.connections or isinstance(event, KnowledgeChanged | TextsChanged):
            return
        if isinstance(event, PresenceChanged):
            for connection in list(self.connections):
                agent = connection.principal
                if isinstance(agent, AgentPrincipal) and (agent.sees_everything or agent.user_id == event.user_id):
                    connection.push(event)
            return
        conversation = await self._conversation_of(event)
        for connection in list(self.connections):
            if connection.receives(event, conversation):
                connection.push(event)

    async def _conversation_of(self, event: ConversationEvent) -> Conversational | None:
        if isinstance(event, ConversationChanged):
            return Conversational.of_view(event.conversation)
        needs_lookup = any(event.conversation_id not in c.wanted for c in self.connections)
        if not needs_lookup:
            return None
        async with self.ctx.uow() as uow:
            row = await conversation_repo.get(uow.session, event.conversation_id)
            if row is None:
                return None
            return Conversational(row.customer_id, row.status, row.assignee_id, row.skill_group_id)

    async def run_writer(self, connection: Connection) -> None:
        """Send queued items to the client until told to stop (``None``) or the socket fails."""
        while True:
            item = await connection.queue.get()
            if item is None:
                return
            if isinstance(item, Frame):
                await connection.websocket.send_json(item.payload)
            elif isinstance(item, Subscribe):
                await self._catch_up(connection, item.conversation_id, item.after_seq, announce=True)
            elif isinstance(item, MessageCreated) and item.conversation_id in connection.last_seq:
                await self._deliver_in_order(connection, item.message)
            elif isinstance(item, MessageCreated) and item.conversation_id in connection.wanted:
                continue  # Its Subscribe is still queued ahead and will include this message.
            else:
                await connection.websocket.send_json(item.to_wire())

    async def _deliver_in_order(self, connection: Connection, message: MessageView) -> None:
        last = connection.last_seq[message.conversation_id]
        if message.seq <= last:
            return
        if message.seq == last + 1:
            await connection.websocket.send_json(MessageCreated(message).to_wire())
            connection.last_seq[message.conversation_id] = message.seq
            return
        await self._catch_up(connection, message.conversation_id, last, announce=False)

    async def _catch_up(self, connection: Connection, conversation_id: int, after_seq: int, *, announce: bool) -> None:
        last = after_seq
        while True:
            async with self.ctx.uow() as uow:
                rows = await message_repo.list_after(uow.session, conversation_id, last, CATCH_UP_PAGE)
                views = [MessageView.of(row) for row in rows]
            for view in views:
                await connection.websocket.send_json(MessageCreated(view).to_wire())
                last = view.seq
            if len(views) < CATCH_UP_PAGE:
                break
        connection.last_seq[conversation_id] = max(last, connection.last_seq.get(conversation_id, 0))
        if announce:
            frame = {"type": "subscribed", "conversation_id": conversation_id, "last_seq": last}
            await connection.websocket.send_json(frame)
