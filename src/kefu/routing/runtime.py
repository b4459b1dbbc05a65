"""Routing as a side effect: a bus listener that reacts to conversations and presence, plus the timers.

- a conversation whose status becomes ``queued`` enters its queue (``created`` when it starts queued,
  ``queued`` when the bot hands it over: only then is a notice stored in the history);
- an agent who frees a slot (a conversation of theirs closed or was transferred away) or comes online
  gets the next waiting conversations of their groups;
- a customer who comes back receives answers to messages they left.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from kefu.bus.base import Delivery, Listener
from kefu.context import Context
from kefu.conversations.status import Change, Status
from kefu.events import ConversationChanged, Event, PresenceChanged
from kefu.routing import assignment, leave, presence, timers
from kefu.routing import queue as queue_mod
from kefu.storage.repositories import routing as routing_repo

ROUTING_CONCURRENCY = 10


def listener(ctx: Context) -> Listener:
    """The routing listener for ``ctx``'s bus."""

    async def on_event(event: Event) -> None:
        if isinstance(event, ConversationChanged):
            await _on_conversation(ctx, event)
        elif isinstance(event, PresenceChanged):
            await _on_presence(ctx, event)

    return on_event


async def _on_conversation(ctx: Context, event: ConversationChanged) -> None:
    conversation = event.conversation
    if event.change is Change.CREATED:
        await leave.deliver_pending(ctx, conversation.customer_id, conversation.channel)
    if conversation.status is Status.QUEUED:
        await assignment.enqueue(ctx, conversation.id, announce=event.change is Change.QUEUED)
    elif conversation.status is Status.CLOSED:
        if conversation.assignee_id is not None:
            await assignment.assign_for_agent(ctx, conversation.assignee_id)
        else:
            await queue_mod.publish_positions(ctx, conversation.skill_group_id)


async def _on_presence(ctx: Context, event: PresenceChanged) -> None:
    if event.status == "online" and await assignment.assign_for_agent(ctx, event.user_id):
        return
    async with ctx.uow() as uow:
        mine = await routing_repo.agents(uow.session, user_id=event.user_id)
        waiting = await routing_repo.queued_group_ids(uow.session)
    for group_id in waiting:
        if group_id is None or (mine and group_id in mine[0].group_ids):
            await queue_mod.publish_positions(ctx, group_id)


async def start(ctx: Context) -> Callable[[], Awaitable[None]]:
    """Subscribe the listener and start the timers; returns the async function that stops both."""
    await presence.reset_connections(ctx)  # no socket of this node survived its restart
    # Routing's work is race-free by design (guarded updates, row locks, SKIP LOCKED) and mostly waits
    # on the database, so hand-overs are served side by side rather than one after another.
    unsubscribe = ctx.bus.subscribe(listener(ctx), Delivery.ONCE, concurrency=ROUTING_CONCURRENCY)
    stop_timers = timers.start(ctx)

    async def stop() -> None:
        unsubscribe()
        await stop_timers()
        await presence.drain()

    return stop
