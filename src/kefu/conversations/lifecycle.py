"""The one place a conversation changes status: open, hand over to a queue, assign, close.

Every move is a guarded UPDATE (it happens only if the conversation is still in a status the move
may start from, and, when given, still with the same agent), so two agents or timers racing for one
conversation cannot both win. Each move emits its typed events, which leave after commit:
``ConversationChanged`` (with the scope before and after, for the hub and routing) and, on close,
``ConversationClosed`` with its reason (CSAT, tickets and reports listen for it).

Timestamps that reports read are written once: ``queued_at`` (first time queued), ``assigned_at``
(first agent), ``first_response_at`` (first agent reply), ``closed_at``. What routing needs for the
current hands lives in ``waiting_since`` (queue order) and ``assignee_since`` (first-response SLA).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from kefu.context import Context
from kefu.conversations.status import (
    OPEN_STATUSES,
    Change,
    CloseReason,
    ConversationScope,
    Status,
    sources_of,
)
from kefu.conversations.views import ConversationView, scope_of
from kefu.events import ConversationChanged, ConversationClosed
from kefu.storage.repositories import conversations as conversation_repo
from kefu.storage.repositories.conversations import ConversationUpdate, WriteOnce
from kefu.storage.tables import Conversation
from kefu.storage.uow import UnitOfWork


def _check_sources(target: Status, from_statuses: Collection[Status]) -> list[Status]:
    allowed = set(sources_of(target))
    wrong = [s for s in from_statuses if s not in allowed]
    if wrong:
        raise ValueError(f"a conversation cannot move from {wrong} to {target}")
    return list(from_statuses)


async def _move(
    uow: UnitOfWork,
    conversation_id: int,
    target: Status,
    from_statuses: Collection[Status],
    values: ConversationUpdate,
    *,
    change: Change,
    from_assignee: int | None = None,
    milestone: WriteOnce | None = None,
) -> tuple[ConversationScope, ConversationView] | None:
    """Apply a guarded move, record its milestone once and announce it; the scope before and the view
    after, or None if the conversation was not (or no longer) where the move starts from."""
    sources = _check_sources(target, from_statuses)
    before = await conversation_repo.get(uow.session, conversation_id)
    if before is None or Status(before.status) not in sources:
        return None
    if from_assignee is not None and before.assignee_id != from_assignee:
        return None
    previous = scope_of(before)
    values["status"] = target.value
    moved = await conversation_repo.guarded_update(
        uow.session, conversation_id, [s.value for s in sources], values, assignee_id=from_assignee
    )
    if not moved:
        return None
    if milestone is not None:
        await conversation_repo.set_once(uow.session, conversation_id, milestone, values["updated_at"])
    after = await conversation_repo.get(uow.session, conversation_id)
    assert after is not None
    view = ConversationView.of(after)
    uow.emit(ConversationChanged(view, change, previous=previous))
    return previous, view


def created(uow: UnitOfWork, row: Conversation) -> ConversationView:
    """Announce a conversation just inserted (and flushed) in this unit of work."""
    view = ConversationView.of(row)
    uow.emit(ConversationChanged(view, Change.CREATED, previous=None))
    return view


def new_conversation(customer_id: int, channel: str, now: datetime, *, with_bot: bool) -> Conversation:
    """A conversation row as it starts: with the bot, or straight in the queue."""
    status = Status.BOT if with_bot else Status.QUEUED
    return Conversation(
        customer_id=customer_id,
        channel=channel,
        status=status.value,
        last_seq=0,
        agent_read_seq=0,
        customer_read_seq=0,
        created_at=now,
        updated_at=now,
        queued_at=None if with_bot else now,
        waiting_since=None if with_bot else now,
    )


async def enqueue(
    uow: UnitOfWork,
    ctx: Context,
    conversation_id: int,
    *,
    group_id: int | None,
    from_statuses: Collection[Status] = (Status.BOT,),
    from_assignee: int | None = None,
    handover_reason: str | None = None,
    change: Change = Change.QUEUED,
    priority: int | None = None,
) -> ConversationView | None:
    """Put the conversation in ``group_id``'s queue (the bot hands over, or an agent transfers to a group).

    ``priority``: the least priority it waits with (routing raises it for VIPs, complaints, money).
    """
    now = ctx.clock.now()
    values: ConversationUpdate = {
        "skill_group_id": group_id,
        "assignee_id": None,
        "waiting_since": now,
        "updated_at": now,
        "queue_deadline_at": None,
        "sla_due_at": None,
        "assignee_since": None,
    }
    if handover_reason is not None:
        values["handover_reason"] = handover_reason
    if priority is not None:
        values["priority"] = priority
    moved = await _move(
        uow,
        conversation_id,
        Status.QUEUED,
        from_statuses,
        values,
        change=change,
        from_assignee=from_assignee,
        milestone="queued_at",
    )
    return moved[1] if moved is not None else None


async def assign(
    uow: UnitOfWork,
    ctx: Context,
    conversation_id: int,
    agent_id: int,
    *,
    from_statuses: Collection[Status],
    from_assignee: int | None = None,
    sla_due_at: datetime | None = None,
    change: Change = Change.ASSIGNED,
) -> ConversationView | None:
    """Give the conversation to ``agent_id`` (routing, a pick by hand, a transfer or an SLA reassignment)."""
    now = ctx.clock.now()
    values: ConversationUpdate = {
        "assignee_id": agent_id,
        "assignee_since": now,
        "updated_at": now,
        "queue_deadline_at": None,
        "sla_due_at": sla_due_at,
    }
    moved = await _move(
        uow,
        conversation_id,
        Status.ASSIGNED,
        from_statuses,
        values,
        change=change,
        from_assignee=from_assignee,
        milestone="assigned_at",
    )
    return moved[1] if moved is not None else None


async def close(
    uow: UnitOfWork,
    ctx: Context,
    conversation_id: int,
    reason: CloseReason,
    *,
    by_user_id: int | None = None,
    from_statuses: Collection[Status] = OPEN_STATUSES,
    from_assignee: int | None = None,
) -> ConversationView | None:
    """End the conversation for ``reason`` (every path that closes one comes here); None if it was not open
    in ``from_statuses`` (e.g. already closed)."""
    now = ctx.clock.now()
    values: ConversationUpdate = {
        "closed_at": now,
        "closed_reason": reason.value,
        "closed_by_user_id": by_user_id,
        "updated_at": now,
        "queue_deadline_at": None,
        "sla_due_at": None,
    }
    moved = await _move(
        uow, conversation_id, Status.CLOSED, from_statuses, values, change=Change.CLOSED, from_assignee=from_assignee
    )
    if moved is None:
        return None
    previous, view = moved
    uow.emit(ConversationClosed(view.scope(), conversation_id, reason, by_user_id, previous.status))
    return view
