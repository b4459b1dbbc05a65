"""Fan-out of bus events to this node's WebSocket clients, with per-conversation catch-up and order.

Recipients are looked up, never searched for: the hub keeps an index of its sockets (by customer,
by agent, by skill group, supervisors, and the followers of each conversation) and asks the access
policy (:mod:`kefu.security.access`) once per candidate. A socket follows a conversation after the
policy allowed its ``subscribe``; when the conversation changes hands the policy is asked again and a
follower who may no longer see it stops receiving it (and is told with a ``revoked`` frame).

Each connection has one writer task that handles, in order, both live events and catch-up requests.
For a followed conversation it remembers the last sequence number sent: older messages are dropped,
the next one is sent, and a gap is filled from the database. So a client that reconnects with its
last seen number receives exactly what it missed, in order, then live messages. Each event's frame
is encoded to JSON once, however many sockets receive it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fastapi import WebSocket

from kefu.context import Context
from kefu.conversations.status import ConversationScope
from kefu.conversations.views import MessageView
from kefu.events import (
    ConversationChanged,
    ConversationRead,
    ConversationTransferred,
    Event,
    FollowUpDue,
    Mentioned,
    MessageCreated,
    NoteAdded,
    PresenceChanged,
    QueueUpdate,
    StaffTyping,
    SupervisorAlert,
    TicketAlert,
    TicketChanged,
    TicketEventAdded,
    Typing,
)
from kefu.security.access import audience, can_view, may_view_directly
from kefu.security.principals import AgentPrincipal, CustomerPrincipal, Principal
from kefu.storage.repositories import messages as message_repo
from kefu.web.viewers import Viewers

log = logging.getLogger(__name__)
QUEUE_LIMIT = 2000
CATCH_UP_PAGE = 200
# Events for staff only (internal notes, mentions, colleagues typing): whoever the lookup finds, a
# customer's socket never receives them. The one rule for the sockets; REST refuses customers in
# ``notes.actions`` and the customer-facing reads never touch the notes table.
STAFF_ONLY: tuple[type[Event], ...] = (NoteAdded, Mentioned, StaffTyping)


def encode(frame: dict[str, Any]) -> str:
    """A frame as the JSON text sent on the socket."""
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


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
class Outgoing:
    """An event on its way to sockets, encoded once."""

    event: Event
    text: str


Item = Outgoing | Subscribe | Frame | None


class Connection:
    """One WebSocket client and its outgoing queue."""

    def __init__(self, websocket: WebSocket, principal: Principal) -> None:
        self.websocket = websocket
        self.principal = principal
        self.queue: asyncio.Queue[Item] = asyncio.Queue(QUEUE_LIMIT)
        self.wanted: set[int] = set()  # conversations followed (events for them are queued)
        self.last_seq: dict[int, int] = {}  # followed conversations served: last sequence number sent
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


class Hub:
    """Every WebSocket connection of this node, indexed for delivery; an ``EVERY_NODE`` bus listener."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.connections: set[Connection] = set()
        self._by_customer: dict[int, set[Connection]] = {}
        self._by_user: dict[int, set[Connection]] = {}
        self._by_group: dict[int, set[Connection]] = {}
        self._agents: set[Connection] = set()
        self._supervisors: set[Connection] = set()
        self._followers: dict[int, set[Connection]] = {}
        self.viewers = Viewers()

    # ---- the index ------------------------------------------------------------------------------

    def add(self, connection: Connection) -> None:
        """Index a newly accepted socket under who it is."""
        self.connections.add(connection)
        principal = connection.principal
        if isinstance(principal, CustomerPrincipal):
            self._by_customer.setdefault(principal.customer_id, set()).add(connection)
            return
        self._agents.add(connection)
        self._by_user.setdefault(principal.user_id, set()).add(connection)
        for group_id in principal.group_ids:
            self._by_group.setdefault(group_id, set()).add(connection)
        if principal.sees_everything:
            self._supervisors.add(connection)

    def remove(self, connection: Connection) -> None:
        """Forget a closed socket everywhere."""
        self.connections.discard(connection)
        principal = connection.principal
        if isinstance(principal, CustomerPrincipal):
            _discard(self._by_customer, principal.customer_id, connection)
        else:
            self._agents.discard(connection)
            self._supervisors.discard(connection)
            _discard(self._by_user, principal.user_id, connection)
            for group_id in principal.group_ids:
                _discard(self._by_group, group_id, connection)
        for conversation_id in list(connection.wanted):
            _discard(self._followers, conversation_id, connection)
        self.view(connection, None)

    def follow(self, connection: Connection, conversation_id: int, after_seq: int) -> None:
        """Start sending a conversation to the socket (the access policy must have allowed it)."""
        connection.wanted.add(conversation_id)
        self._followers.setdefault(conversation_id, set()).add(connection)
        connection.push(Subscribe(conversation_id, after_seq))

    def unfollow(self, connection: Connection, conversation_id: int) -> None:
        """Stop sending a conversation to the socket."""
        connection.wanted.discard(conversation_id)
        connection.last_seq.pop(conversation_id, None)
        _discard(self._followers, conversation_id, connection)
        if self.viewers.viewing(connection) == conversation_id:
            self.view(connection, None)

    def view(self, connection: Connection, conversation_id: int | None) -> None:
        """A console opened ``conversation_id`` (None: none); its colleagues following it are told.

        The caller checked the access policy for ``conversation_id``; the socket also gets the list.
        """
        for changed in self.viewers.set(connection, conversation_id):
            frame = Frame(self.viewers.frame(changed))
            recipients = self.staff_followers(changed)
            if changed == conversation_id:
                recipients.add(connection)
            for recipient in recipients:
                recipient.push(frame)

    def staff_followers(self, conversation_id: int) -> set[Connection]:
        """The console sockets following a conversation (the policy allowed each one's subscribe)."""
        return {c for c in self._followers.get(conversation_id, ()) if isinstance(c.principal, AgentPrincipal)}

    def followers(self, conversation_id: int) -> set[Connection]:
        """The sockets following a conversation."""
        return set(self._followers.get(conversation_id, ()))

    def allowed_agents(self, scope: ConversationScope) -> set[Connection]:
        """Console sockets whose user the access policy lets see ``scope``, found through the index."""
        who = audience(scope)
        candidates = set(self._supervisors)
        for user_id in who.user_ids:
            candidates |= self._by_user.get(user_id, set())
        for group_id in who.group_ids:
            candidates |= self._by_group.get(group_id, set())
        if who.any_group:
            candidates |= self._agents
        return {c for c in candidates if may_view_directly(c.principal, scope)}

    # ---- delivery ---------------------------------------------------------------------------------

    async def on_event(self, event: Event) -> None:
        """Bus listener: queue the event for each socket that should receive it (never blocks)."""
        if not self.connections:
            return
        recipients = await self._recipients(event)
        if isinstance(event, STAFF_ONLY):
            recipients = [c for c in recipients if isinstance(c.principal, AgentPrincipal)]
        if not recipients:
            return
        outgoing = Outgoing(event, encode(event.to_wire()))
        for connection in recipients:
            connection.push(outgoing)

    async def _recipients(self, event: Event) -> Iterable[Connection]:
        if isinstance(event, PresenceChanged):
            return self._by_user.get(event.user_id, set()) | self._supervisors
        if isinstance(event, SupervisorAlert):
            return set(self._supervisors)
        if isinstance(event, ConversationTransferred):
            return self.allowed_agents(event.scope) | self._by_user.get(event.to_user_id or 0, set())
        if isinstance(event, ConversationChanged):
            return await self._on_change(event)
        if isinstance(event, NoteAdded):
            return self.staff_followers(event.conversation_id)
        if isinstance(event, Mentioned):
            return set(self._by_user.get(event.user_id, ()))
        if isinstance(event, StaffTyping):
            followers = self.staff_followers(event.conversation_id)
            return {c for c in followers if not _is_user(c.principal, event.user_id)}  # not the typist
        if isinstance(event, QueueUpdate):
            customer = self._by_customer.get(event.scope.customer_id, set())
            return self.followers(event.conversation_id) | customer | self.allowed_agents(event.scope)
        if isinstance(event, MessageCreated | ConversationRead | Typing):
            found = self.followers(event.conversation_id) | self.allowed_agents(event.scope)
            if isinstance(event, Typing):
                return {c for c in found if c.principal.kind != event.sender_kind}
            return found
        if isinstance(event, TicketChanged | TicketEventAdded | TicketAlert | FollowUpDue):
            return self._ticket_recipients(event)
        return ()  # domain-only events (knowledge, closed reasons) are not for sockets

    def _ticket_recipients(
        self, event: TicketChanged | TicketEventAdded | TicketAlert | FollowUpDue
    ) -> set[Connection]:
        """Tickets (``security/ticket_access``): supervisors, the assignee, the group's agents (every agent
        for an unassigned ticket of no group); the customer gets only what is not internal."""
        if isinstance(event, TicketAlert):
            return set(self._supervisors) | self._by_user.get(event.assignee_id or 0, set())
        if isinstance(event, FollowUpDue):
            user, group = event.follow_up.get("assignee_id"), event.follow_up.get("skill_group_id")
            if user is not None:
                return set(self._by_user.get(int(user), set()))
            return set(self._by_group.get(int(group), set())) if group is not None else set(self._supervisors)
        if isinstance(event, TicketChanged):
            customer, user, group = (event.ticket.get(k) for k in ("customer_id", "assignee_id", "skill_group_id"))
            internal = True
        else:
            customer, user, group, internal = event.customer_id, event.assignee_id, event.skill_group_id, event.internal
        found = set(self._supervisors) | self._by_user.get(int(user or 0), set())
        if group is not None:
            found |= self._by_group.get(int(group), set())
        elif user is None:
            found |= self._agents
        if not internal and customer is not None:
            found |= self._by_customer.get(int(customer), set())
        return found

    async def _on_change(self, event: ConversationChanged) -> set[Connection]:
        """A conversation changed hands: ask the policy again for its followers and its former audience."""
        scope = event.scope
        allowed = self.allowed_agents(scope) | self._by_customer.get(scope.customer_id, set())
        for connection in self.followers(event.conversation_id):
            if (
                connection in allowed
                or may_view_directly(connection.principal, scope)
                or await self._may_still_view(connection.principal, scope)
            ):
                allowed.add(connection)
            else:
                self.unfollow(connection, event.conversation_id)
                self._revoke(connection, event.conversation_id)
        if event.previous is not None:
            for connection in self.allowed_agents(event.previous) - allowed:
                self._revoke(connection, event.conversation_id)
        return allowed

    async def _may_still_view(self, principal: Principal, scope: ConversationScope) -> bool:
        """The policy's database part (an agent serving the same customer elsewhere); rare, on changes only."""
        async with self.ctx.uow() as uow:
            return await can_view(uow.session, principal, scope)

    @staticmethod
    def _revoke(connection: Connection, conversation_id: int) -> None:
        """Tell a console that a conversation left its view (it reloads its lists); no content."""
        connection.push(Frame({"type": "revoked", "conversation_id": conversation_id}))

    # ---- the writer -----------------------------------------------------------------------------

    async def run_writer(self, connection: Connection) -> None:
        """Send queued items to the client until told to stop (``None``) or the socket fails."""
        websocket = connection.websocket
        while True:
            item = await connection.queue.get()
            if item is None:
                return
            if isinstance(item, Frame):
                await websocket.send_text(encode(item.payload))
            elif isinstance(item, Subscribe):
                if item.conversation_id in connection.wanted:
                    await self._catch_up(connection, item.conversation_id, item.after_seq, announce=True)
            elif isinstance(item.event, MessageCreated):
                await self._message(connection, item)
            else:
                await websocket.send_text(item.text)

    async def _message(self, connection: Connection, item: Outgoing) -> None:
        assert isinstance(item.event, MessageCreated)
        conversation_id = item.event.conversation_id
        if conversation_id in connection.last_seq:
            await self._deliver_in_order(connection, item.event.message, item.text)
        elif conversation_id not in connection.wanted:
            await connection.websocket.send_text(item.text)  # a list preview for a conversation not open
        # else: its Subscribe is still queued ahead and will include this message.

    async def _deliver_in_order(self, connection: Connection, message: MessageView, text: str) -> None:
        last = connection.last_seq[message.conversation_id]
        if message.seq <= last:
            return
        if message.seq == last + 1:
            await connection.websocket.send_text(text)
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
                await connection.websocket.send_text(encode({"type": "message", "message": view.to_dict()}))
                last = view.seq
            if len(views) < CATCH_UP_PAGE:
                break
        connection.last_seq[conversation_id] = max(last, connection.last_seq.get(conversation_id, 0))
        if announce:
            frame = {"type": "subscribed", "conversation_id": conversation_id, "last_seq": last}
            await connection.websocket.send_text(encode(frame))


def _is_user(principal: Principal, user_id: int) -> bool:
    return isinstance(principal, AgentPrincipal) and principal.user_id == user_id


def _discard(index: dict[int, set[Connection]], key: int, connection: Connection) -> None:
    sockets = index.get(key)
    if sockets is not None:
        sockets.discard(connection)
        if not sockets:
            del index[key]
