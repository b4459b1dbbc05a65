"""Follow-ups (回访): "3 天后回访" on a ticket or a conversation. When due, the sweep announces it once
(``FollowUpDue`` to the agent, or to the group when no agent holds it) and it stays in
``GET /follow-ups?due=1`` until done or dismissed. All state is in ``follow_ups``, so restarts resume.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kefu.context import Context
from kefu.errors import Conflict, InvalidInput, NotFound
from kefu.events import FollowUpDue
from kefu.security.access import load_visible, require_agent
from kefu.security.principals import Principal
from kefu.security.ticket_access import follow_up_clause, may_view_follow_up, require_visible
from kefu.storage.repositories import tickets as repo
from kefu.storage.tables import FollowUp
from kefu.tickets import actions
from kefu.tickets.views import FollowUpView

MAX_DAYS = 365
MAX_NOTE = 1000


async def schedule(
    ctx: Context,
    principal: Principal,
    *,
    ticket_id: int | None = None,
    conversation_id: int | None = None,
    in_days: float | None = None,
    at: datetime | None = None,
    assignee_id: int | None = None,
    skill_group_id: int | None = None,
    note: str = "",
) -> FollowUpView:
    """Schedule a follow-up in ``in_days`` days or at ``at``; for the caller unless an agent or group is given."""
    agent = require_agent(principal)
    if (ticket_id is None) == (conversation_id is None):
        raise InvalidInput("a follow-up is on a ticket or on a conversation", code="bad_target")
    now = ctx.clock.now()
    if (in_days is None) == (at is None):
        raise InvalidInput("give in_days or at", code="bad_due")
    if in_days is not None:
        if not 0 < in_days <= MAX_DAYS:
            raise InvalidInput(f"in_days must be within 0–{MAX_DAYS}", code="bad_due")
        due = now + timedelta(days=in_days)
    else:
        assert at is not None
        if at.tzinfo is None:
            raise InvalidInput("at needs a time zone (e.g. 2026-12-05T10:00:00+08:00)", code="bad_due")
        if at <= now:
            raise InvalidInput("at must be in the future", code="bad_due")
        due = at
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"note is longer than {MAX_NOTE} characters", code="too_long")
    async with ctx.uow() as uow:
        if ticket_id is not None:
            ticket = require_visible(agent, await repo.get(uow.session, ticket_id, lock=True))
            group = skill_group_id if skill_group_id is not None else ticket.skill_group_id
        else:
            assert conversation_id is not None
            conversation = await load_visible(uow.session, agent, conversation_id)
            group = skill_group_id if skill_group_id is not None else conversation.skill_group_id
        row = FollowUp(
            ticket_id=ticket_id,
            conversation_id=conversation_id,
            due_at=due,
            assignee_id=assignee_id if assignee_id is not None or skill_group_id is not None else agent.user_id,
            skill_group_id=group,
            note=note.strip(),
            created_by=agent.user_id,
            created_at=now,
            dismissed=False,
        )
        uow.session.add(row)
        await uow.session.flush()
        if ticket_id is not None:
            await actions.add_event(
                uow,
                ctx,
                ticket,
                "note",
                actions.Actor.of(agent),
                body=row.note,
                data={"follow_up_id": row.id, "due_at": due.isoformat()},
            )
        view = FollowUpView.of(row)
        await uow.commit()
    return view


async def list_for(
    ctx: Context, principal: Principal, *, due_only: bool, include_done: bool = False
) -> list[FollowUpView]:
    """Follow-ups the caller may see (only those due now with ``due_only``), soonest first."""
    require_agent(principal)
    async with ctx.uow() as uow:
        rows = await repo.follow_ups(
            uow.session,
            follow_up_clause(principal),
            due_before=ctx.clock.now() if due_only else None,
            open_only=not include_done,
        )
        return [FollowUpView.of(r) for r in rows]


async def finish(ctx: Context, principal: Principal, follow_up_id: int, *, dismiss: bool = False) -> FollowUpView:
    """Mark a follow-up done (or dismissed: not needed after all)."""
    agent = require_agent(principal)
    async with ctx.uow() as uow:
        row = await uow.session.get(FollowUp, follow_up_id, with_for_update=True, populate_existing=True)
        if row is None or not may_view_follow_up(agent, row):
            raise NotFound("follow-up not found", code="follow_up_not_found")
        if row.done_at is not None:
            raise Conflict("the follow-up is already done", code="already_done")
        row.done_at, row.dismissed = ctx.clock.now(), dismiss
        view = FollowUpView.of(row)
        await uow.commit()
    return view


async def announce_due(ctx: Context) -> list[int]:
    """Announce every follow-up that came due (once each); returns their ids."""
    async with ctx.uow() as uow:
        rows = await repo.follow_ups_due(uow.session, ctx.clock.now())
        for row in rows:
            row.notified_at = ctx.clock.now()
            uow.emit(FollowUpDue(FollowUpView.of(row).to_dict()))
        ids = [row.id for row in rows]
        if rows:
            await uow.commit()
    return ids
