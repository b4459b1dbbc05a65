"""The queue as customers see it: priority, live position, estimated wait, and the texts that say so.

Estimated wait (ETA) for the customer at position ``p`` (1 = next) in a group's queue::

    eta = p × average handling time ÷ online capacity

where the average handling time is the mean of assigned → closed of the group's last 20 closed
conversations (5 minutes while there is no history) and the online capacity is the sum of the
capacities of the group's online agents: that many conversations are served in parallel, each freeing
its slot after the average handling time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kefu.context import Context
from kefu.conversations.status import ConversationScope, Status
from kefu.conversations.views import scope_of
from kefu.events import QueueUpdate
from kefu.routing import hours
from kefu.storage.repositories import routing as routing_repo
from kefu.storage.tables import Conversation, SkillGroup
from kefu.texts import Phrase, TextBook
from kefu.texts.render import opening_time

DEFAULT_HANDLE_SECONDS = 300.0
DEFAULT_QUEUE_TIMEOUT = 600
HISTORY = 20
VIP, COMPLAINT, MONEY = 4, 2, 1
COMPLAINT_REASONS = frozenset({"negative_sentiment", "complaint"})
MONEY_REASONS = frozenset({"sensitive_topic", "money", "payment", "refund", "frozen_account"})
NO_AGENTS = Phrase("queue.no_agents")
TIMEOUT = Phrase("queue.timeout")
STATUS_PHRASES = {
    Status.ASSIGNED: Phrase("queue.status.assigned"),
    Status.CLOSED: Phrase("queue.status.closed"),
    Status.BOT: Phrase("queue.status.bot"),
}


def priority_of(*, is_vip: bool, handover_reason: str | None, money_group: bool) -> int:
    """Higher is served first: VIP (4) + complaint (2) + money matter (1); 0 is a normal conversation."""
    priority = VIP if is_vip else 0
    if handover_reason in COMPLAINT_REASONS:
        priority += COMPLAINT
    if money_group or handover_reason in MONEY_REASONS:
        priority += MONEY
    return priority


@dataclass(frozen=True, slots=True)
class QueueStatus:
    """Where a conversation stands: in the queue (with position and ETA) or not (assigned, closed, bot)."""

    conversation_id: int
    status: str
    position: int
    eta_seconds: int | None
    state: str
    text: str
    leave_message: bool
    scope: ConversationScope
    phrase: Phrase | None = None  # the catalogue text ``text`` was rendered from (None: a group's own words)

    def to_event(self) -> QueueUpdate:
        """The ``queue`` event for this status."""
        return QueueUpdate(
            self.conversation_id,
            self.position,
            self.eta_seconds,
            self.text,
            self.scope,
            self.state,
            self.leave_message,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the REST answer and the WebSocket frame share it)."""
        return {**self.to_event().to_wire(), "status": self.status}


def minutes(seconds: int) -> int:
    """Whole minutes to promise (at least 1)."""
    return max(1, math.ceil(seconds / 60))


def waiting_phrase(position: int, eta_seconds: int | None) -> Phrase:
    """ "前面还有 3 位，预计等待 2 分钟" (or "您是下一位…" at the head)."""
    ahead = position - 1
    if eta_seconds is None:
        return Phrase("queue.position.no_eta", {"ahead": ahead}) if ahead > 0 else Phrase("queue.next.no_eta")
    wait = minutes(eta_seconds)
    if ahead > 0:
        return Phrase("queue.position", {"ahead": ahead, "minutes": wait})
    return Phrase("queue.next", {"minutes": wait})


def off_hours_phrase(group: SkillGroup | None, now: datetime, locale: str) -> Phrase:
    """The text that says when the group opens again (its ``{opens}`` written for ``locale``)."""
    business = hours.parse(group.hours if group is not None else None)
    opening = business.next_opening(now)
    if opening is None:
        return Phrase("queue.off_hours.no_opening")
    return Phrase("queue.off_hours", {"opens": opening_time(locale, opening.astimezone(business.zone))})


@dataclass(frozen=True, slots=True)
class GroupState:
    """What every position in one queue depends on."""

    group: SkillGroup | None
    is_open: bool
    slots: int
    average_handle: float

    def eta(self, position: int) -> int | None:
        """Estimated seconds until a person serves the customer at ``position``."""
        if not self.is_open or self.slots <= 0:
            return None
        return math.ceil(position * self.average_handle / self.slots)


async def group_state(session: AsyncSession, group_id: int | None, now: datetime) -> GroupState:
    """Opening hours, online capacity and recent handling time of a queue."""
    group = await routing_repo.get_group(session, group_id)
    business = hours.parse(group.hours if group is not None else None)
    online = await routing_repo.agents(session, group_id=group_id, online_only=True)
    history = await routing_repo.recent_handling_seconds(session, group_id, HISTORY)
    average = sum(history) / len(history) if history else DEFAULT_HANDLE_SECONDS
    return GroupState(group, business.is_open(now), sum(a.capacity for a in online), average)


def status_of(
    state: GroupState, waiting: routing_repo.Waiting, position: int, now: datetime, texts: TextBook
) -> QueueStatus:
    """A waiting conversation's status, its text in the conversation's locale and for its channel."""
    timeout = state.group.queue_timeout_seconds if state.group is not None else DEFAULT_QUEUE_TIMEOUT
    timed_out = waiting.queue_deadline_at is None and (now - waiting.waiting_since).total_seconds() >= timeout
    scope = ConversationScope(waiting.customer_id, Status.QUEUED, None, waiting.skill_group_id, waiting.channel)
    queued = Status.QUEUED.value
    cid = waiting.conversation_id

    def status(eta: int | None, kind: str, phrase: Phrase, offer_leave: bool) -> QueueStatus:
        text = texts.say(phrase, waiting.locale, waiting.channel, waiting.skill_group_id)
        return QueueStatus(cid, queued, position, eta, kind, text, offer_leave, scope, phrase)

    if not state.is_open:
        group = state.group
        phrase = off_hours_phrase(group, now, waiting.locale)
        own = texts.group_wording(phrase.code, waiting.locale, waiting.channel, waiting.skill_group_id)
        if own is None and group is not None and group.off_hours_text:  # the group's routing-settings text
            return QueueStatus(cid, queued, position, None, "closed", group.off_hours_text, True, scope)
        return status(None, "closed", phrase, True)
    if state.slots <= 0:
        return status(None, "no_agents", NO_AGENTS, True)
    eta = state.eta(position)
    return status(eta, "waiting", waiting_phrase(position, eta), timed_out)


async def statuses(session: AsyncSession, group_id: int | None, now: datetime, texts: TextBook) -> list[QueueStatus]:
    """Every waiting conversation of a queue with its position and ETA, in order."""
    line = await routing_repo.queue(session, group_id)
    if not line:
        return []
    state = await group_state(session, group_id, now)
    return [status_of(state, waiting, index + 1, now, texts) for index, waiting in enumerate(line)]


async def status_for(session: AsyncSession, conversation: Conversation, now: datetime, texts: TextBook) -> QueueStatus:
    """One conversation's queue status (position 0 when it is not waiting)."""
    if conversation.status == Status.QUEUED:
        for status in await statuses(session, conversation.skill_group_id, now, texts):
            if status.conversation_id == conversation.id:
                return status
    current = conversation.status
    phrase = STATUS_PHRASES.get(Status(current))
    text = (
        texts.say(phrase, conversation.locale, conversation.channel, conversation.skill_group_id)
        if phrase is not None
        else ""
    )
    return QueueStatus(conversation.id, current, 0, None, current, text, False, scope_of(conversation), phrase)


async def publish_positions(ctx: Context, group_id: int | None) -> None:
    """Tell every customer waiting in a queue where they stand now (after the queue moved)."""
    async with ctx.uow() as uow:
        updates = await statuses(uow.session, group_id, ctx.clock.now(), ctx.texts)
    for status in updates:
        await ctx.bus.publish(status.to_event())
