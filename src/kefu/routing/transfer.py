"""Transfer: an agent hands a conversation to another agent or to a group, with a note for them.

The receiver sees the whole history (an assigned agent, or the group's queue, may read it) and the
note (the ``transfer`` event and ``GET …/transfers``); the customer is told in the conversation.
Supervisors use the same action to reassign, and may exceed the receiver's capacity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from kefu.context import Context
from kefu.conversations import lifecycle
from kefu.conversations.status import OPEN_STATUSES, Change, Status
from kefu.conversations.views import ConversationView, scope_of
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kefu.events import ConversationTransferred
from kefu.routing import assignment, notices
from kefu.routing import queue as queue_mod
from kefu.security.access import load_visible, may_manage, require_agent
from kefu.security.principals import AgentPrincipal, Principal
from kefu.storage.repositories import routing as routing_repo
from kefu.storage.tables import Transfer
from kefu.storage.uow import UnitOfWork

MAX_NOTE = 1000


@dataclass(frozen=True, slots=True)
class TransferView:
    """One transfer of a conversation."""

    id: int
    conversation_id: int
    from_user_id: int | None
    to_user_id: int | None
    to_group_id: int | None
    note: str
    created_at: str

    @classmethod
    def of(cls, row: Transfer) -> TransferView:
        """From a stored row."""
        return cls(
            row.id,
            row.conversation_id,
            row.from_user_id,
            row.to_user_id,
            row.to_group_id,
            row.note,
            row.created_at.isoformat(),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "from_user_id": self.from_user_id,
            "to_user_id": self.to_user_id,
            "to_group_id": self.to_group_id,
            "note": self.note,
            "created_at": self.created_at,
        }


async def transfer(
    ctx: Context,
    principal: Principal,
    conversation_id: int,
    *,
    to_user_id: int | None = None,
    to_group_id: int | None = None,
    note: str = "",
) -> ConversationView:
    """Hand the conversation to ``to_user_id`` or to the queue of ``to_group_id``."""
    agent = require_agent(principal)
    if (to_user_id is None) == (to_group_id is None):
        raise InvalidInput("give exactly one of agent_id or group_id", code="bad_transfer")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"note is longer than {MAX_NOTE} characters", code="note_too_long")
    async with ctx.uow() as uow:
        row = await load_visible(uow.session, agent, conversation_id)
        if row.status == Status.CLOSED:
            raise Conflict("conversation is closed", code="conversation_closed")
        if not may_manage(agent, scope_of(row)):
            raise PermissionDenied("only the assigned agent or a supervisor may transfer", code="not_assignee")
        previous, old_group, old_status = row.assignee_id, row.skill_group_id, Status(row.status)
        statuses = OPEN_STATUSES if agent.sees_everything else (Status.ASSIGNED,)
        move = _Move(uow, ctx, agent, conversation_id, statuses, previous)
        if to_user_id is not None:
            told = await move.to_agent(to_user_id, row.skill_group_id)
        else:
            assert to_group_id is not None
            told = await move.to_group(to_group_id)
        uow.session.add(
            Transfer(
                conversation_id=conversation_id,
                from_user_id=agent.user_id,
                to_user_id=to_user_id,
                to_group_id=to_group_id,
                note=note,
                created_at=ctx.clock.now(),
            )
        )
        await notices.say(uow, ctx, conversation_id, told)
        view = await notices.view(uow, conversation_id)
        uow.emit(
            ConversationTransferred(
                conversation_id, agent.user_id, agent.display_name, to_user_id, to_group_id, note, view.scope()
            )
        )
        await uow.commit()
    if previous is not None and previous != to_user_id:
        await assignment.assign_for_agent(ctx, previous)
    if old_status is Status.QUEUED:
        await queue_mod.publish_positions(ctx, old_group)
    return view


@dataclass(slots=True)
class _Move:
    """The guarded move of one conversation inside the transfer's transaction."""

    uow: UnitOfWork
    ctx: Context
    agent: AgentPrincipal
    conversation_id: int
    statuses: tuple[Status, ...]
    previous: int | None

    async def to_agent(self, to_user_id: int, group_id: int | None) -> str:
        """Assign to another agent (agents: only to an online one with room); returns the customer's notice."""
        session = self.uow.session
        if to_user_id == self.previous:
            raise Conflict("the conversation is already with this agent", code="same_agent")
        target = await routing_repo.agents(session, user_id=to_user_id)
        if not target:
            raise NotFound("agent not found", code="agent_not_found")
        receiver = target[0]
        if not self.agent.sees_everything and (receiver.status != "online" or receiver.load >= receiver.capacity):
            raise Conflict(f"{receiver.display_name} is not available", code="agent_unavailable")
        group = await routing_repo.get_group(session, group_id)
        moved = await assignment.give(
            self.uow,
            self.ctx,
            self.conversation_id,
            receiver,
            group,
            from_statuses=self.statuses,
            from_assignee=self.previous,
            force=True,
            skip_locked=False,
            change=Change.TRANSFERRED,
        )
        if not moved:
            raise Conflict("the conversation changed meanwhile", code="not_transferable")
        return f"已为您转接至客服 {receiver.display_name}，请稍候。"

    async def to_group(self, to_group_id: int) -> str:
        """Put the conversation in another group's queue; returns the customer's notice."""
        group = await routing_repo.get_group(self.uow.session, to_group_id)
        if group is None:
            raise NotFound("skill group not found", code="group_not_found")
        moved = await lifecycle.enqueue(
            self.uow,
            self.ctx,
            self.conversation_id,
            group_id=to_group_id,
            from_statuses=self.statuses,
            from_assignee=self.previous,
            change=Change.TRANSFERRED,
        )
        if moved is None:
            raise Conflict("the conversation changed meanwhile", code="not_transferable")
        return f"已为您转接至{group.name}，正在为您安排客服，请稍候。"


async def history(ctx: Context, principal: Principal, conversation_id: int) -> list[TransferView]:
    """The conversation's transfers and their notes, oldest first (agents only)."""
    agent = require_agent(principal)
    async with ctx.uow() as uow:
        await load_visible(uow.session, agent, conversation_id)
        query = select(Transfer).where(Transfer.conversation_id == conversation_id).order_by(Transfer.id)
        rows = (await uow.session.execute(query)).scalars().all()
        return [TransferView.of(r) for r in rows]
