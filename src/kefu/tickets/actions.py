"""Every write to a ticket. Each one row-locks the ticket, changes it, appends the ``ticket_events``
line(s) saying who changed what (before/after) in the same transaction, and emits ``TicketChanged`` /
``TicketEventAdded`` — published only after commit (``uow.emit``).

``create_in`` and the ``*_in`` helpers work inside a caller's unit of work (the 留言 form and guided
flows create tickets in their own transactions); the rest open their own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kefu.context import Context
from kefu.errors import InvalidInput, KefuError, NotFound, PermissionDenied
from kefu.events import TicketAlert, TicketChanged, TicketEventAdded
from kefu.notify import tickets as notify_tickets
from kefu.security.principals import AgentPrincipal, CustomerPrincipal, Principal
from kefu.security.ticket_access import require_visible
from kefu.storage.repositories import customers as customer_repo
from kefu.storage.repositories import routing as routing_repo
from kefu.storage.repositories import tickets as repo
from kefu.storage.repositories import users as user_repo
from kefu.storage.tables import FollowUp, Ticket, TicketEvent, TicketLink
from kefu.storage.uow import UnitOfWork
from kefu.texts import Phrase
from kefu.tickets import numbers, sla
from kefu.tickets import status as st
from kefu.tickets import types as types_mod
from kefu.tickets.calendar import next_working_day
from kefu.tickets.views import EventView, TicketView

MAX_TITLE = 200
MAX_BODY = 5000
UNSET: Any = object()


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did it: an agent, the customer, or kefu itself (``system``: the SLA sweep, flows)."""

    kind: str
    id: int | None

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        """The actor behind a principal."""
        if isinstance(principal, CustomerPrincipal):
            return cls("customer", principal.customer_id)
        return cls("agent", principal.user_id)


SYSTEM = Actor("system", None)


def check_body(text: str, *, what: str = "text", allow_empty: bool = False) -> str:
    """Trimmed text within limits."""
    text = text.strip()
    if not text and not allow_empty:
        raise InvalidInput(f"{what} is empty", code="empty")
    if len(text) > MAX_BODY:
        raise InvalidInput(f"{what} is longer than {MAX_BODY} characters", code="too_long")
    return text


# ---- the timeline and events ------------------------------------------------------------------------


async def add_event(
    uow: UnitOfWork,
    ctx: Context,
    ticket: Ticket,
    kind: str,
    actor: Actor,
    *,
    body: str = "",
    data: dict[str, Any] | None = None,
) -> EventView:
    """Append one timeline line (in the open transaction) and queue its event."""
    row = TicketEvent(
        ticket_id=ticket.id,
        kind=kind,
        actor_kind=actor.kind,
        actor_id=actor.id,
        body=body,
        data=json.dumps(data or {}, ensure_ascii=False),
        created_at=ctx.clock.now(),
    )
    uow.session.add(row)
    await uow.session.flush()
    view = EventView.of(row)
    uow.emit(
        TicketEventAdded(
            ticket.id, view.to_dict(), view.internal, ticket.customer_id, ticket.assignee_id, ticket.skill_group_id
        )
    )
    return view


async def view_of(uow: UnitOfWork, ticket: Ticket) -> TicketView:
    """The ticket's view (with its customer's name)."""
    names = await repo.customer_names(uow.session, [ticket.customer_id])
    return TicketView.of(ticket, names.get(ticket.customer_id, ""))


async def changed(uow: UnitOfWork, ticket: Ticket, change: str, actor: Actor) -> TicketView:
    """Queue ``TicketChanged`` with the ticket as it is now; returns its view."""
    await uow.session.flush()
    view = await view_of(uow, ticket)
    uow.emit(TicketChanged(view.to_dict(), change, actor.kind, actor.id if actor.kind == "agent" else None))
    return view


async def _change(
    uow: UnitOfWork, ctx: Context, ticket: Ticket, kind: str, field: str, after: Any, actor: Actor, **extra: Any
) -> bool:
    """Set one attribute and record it (nothing if unchanged)."""
    before = getattr(ticket, field)
    if before == after:
        return False
    setattr(ticket, field, after)
    await add_event(uow, ctx, ticket, kind, actor, data={"field": field, "before": before, "after": after, **extra})
    return True


async def lock(uow: UnitOfWork, principal: Principal, ticket_id: int) -> Ticket:
    """The ticket, row-locked, if the caller may see it."""
    return require_visible(principal, await repo.get(uow.session, ticket_id, lock=True))


def _agent(principal: Principal) -> AgentPrincipal:
    if not isinstance(principal, AgentPrincipal):
        raise PermissionDenied("only agents may do this")
    return principal


# ---- create -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewTicket:
    """What a new ticket starts with."""

    customer_id: int
    type_key: str = types_mod.OTHER
    title: str = ""
    description: str = ""
    fields: dict[str, Any] | None = None
    priority: str = "normal"
    skill_group_id: int | None = None
    assignee_id: int | None = None
    source: str = "api"
    conversation_ids: Sequence[int] = ()
    require_fields: bool = False


async def create_in(uow: UnitOfWork, ctx: Context, new: NewTicket, actor: Actor) -> TicketView:
    """Create a ticket in the caller's transaction: numbered, SLA clocks started, timeline begun."""
    if new.priority not in st.PRIORITIES:
        raise InvalidInput(f"priority must be one of {', '.join(st.PRIORITIES)}", code="bad_priority")
    if new.source not in st.SOURCES:
        raise InvalidInput(f"source must be one of {', '.join(st.SOURCES)}", code="bad_source")
    kind = await repo.get_type(uow.session, new.type_key)
    if kind is None or not kind.enabled:
        raise InvalidInput(f"unknown ticket type {new.type_key!r}", code="bad_type")
    specs = json.loads(kind.fields or "[]")
    fields = types_mod.check_values(specs, dict(new.fields or {}), require=new.require_fields)
    title = new.title.strip()[:MAX_TITLE] or (new.description.strip().splitlines() or [kind.name])[0][:60]
    if await customer_repo.get_customer(uow.session, new.customer_id) is None:
        raise NotFound("customer not found", code="customer_not_found")
    if new.skill_group_id is not None and await routing_repo.get_group(uow.session, new.skill_group_id) is None:
        raise NotFound("skill group not found", code="group_not_found")
    if new.assignee_id is not None and await user_repo.get_user(uow.session, new.assignee_id) is None:
        raise NotFound("agent not found", code="agent_not_found")
    now = ctx.clock.now()
    phone, order_no = types_mod.search_keys(specs, fields)
    ticket = Ticket(
        number=await numbers.next_number(uow.session, now),
        type_key=kind.key,
        title=title,
        status=(st.TicketStatus.OPEN if new.assignee_id is not None else st.TicketStatus.NEW).value,  # someone has it
        priority=new.priority,
        customer_id=new.customer_id,
        skill_group_id=new.skill_group_id,
        assignee_id=new.assignee_id,
        fields=json.dumps(fields, ensure_ascii=False),
        source=new.source,
        phone=phone,
        order_no=order_no,
        created_by_id=actor.id if actor.kind == "agent" else None,
        created_at=now,
        updated_at=now,
        reopened_count=0,
        sla_warned=False,
        sla_breached=False,
    )
    uow.session.add(ticket)
    await uow.session.flush()
    policy, cal = await sla.context_for(uow.session, ticket)
    sla.start(ticket, policy, cal)
    initial = {
        "status": ticket.status,
        "priority": ticket.priority,
        "type_key": ticket.type_key,
        "title": ticket.title,
        "assignee_id": ticket.assignee_id,
        "skill_group_id": ticket.skill_group_id,
        "fields": fields,
        "source": new.source,
    }
    await add_event(uow, ctx, ticket, "created", actor, body=new.description.strip()[:MAX_BODY], data=initial)
    for conversation_id in dict.fromkeys(new.conversation_ids):
        uow.session.add(TicketLink(ticket_id=ticket.id, conversation_id=conversation_id, created_at=now))
        await add_event(uow, ctx, ticket, "link", actor, data={"conversation_id": conversation_id})
    view = await changed(uow, ticket, "created", actor)
    await notify_tickets.enqueue_ticket_notification(uow, ctx, view.to_dict(), "created")
    if ticket.type_key == types_mod.COMPLAINT:  # complaints always reach a supervisor
        text = ctx.texts.say(
            Phrase("alert.ticket.complaint", {"number": ticket.number, "title": title}), ctx.texts.default_locale
        )
        uow.emit(TicketAlert(ticket.id, ticket.number, "complaint", text, ticket.assignee_id))
    return view


async def create(ctx: Context, principal: Principal, new: NewTicket) -> TicketView:
    """Create a ticket (agents, for any customer; customers only for themselves)."""
    actor = Actor.of(principal)
    if isinstance(principal, CustomerPrincipal) and new.customer_id != principal.customer_id:
        raise PermissionDenied("customers create tickets for themselves")
    async with ctx.uow() as uow:
        view = await create_in(uow, ctx, new, actor)
        await uow.commit()
    return view


# ---- agents' writes -------------------------------------------------------------------------------


async def set_status_in(
    uow: UnitOfWork, ctx: Context, ticket: Ticket, after: st.TicketStatus, actor: Actor, resolution: str = ""
) -> None:
    """Move the ticket (checked by ``status``), with the SLA, complaint and reopen rules."""
    before = st.TicketStatus(ticket.status)
    if before is after:
        return
    now = ctx.clock.now()
    st.check_transition(
        before, after, resolved_at=ticket.resolved_at, now=now, reopen_days=ctx.settings.ticket_reopen_days
    )
    resolution = resolution.strip()
    finishing = after in st.DONE and before not in st.DONE
    if finishing and ticket.type_key == types_mod.COMPLAINT and not (resolution or ticket.resolution):
        raise InvalidInput(
            "a complaint is resolved or closed only with a resolution note (what was done)",
            code="resolution_required",
        )
    ticket.status = after.value
    data: dict[str, Any] = {"field": "status", "before": before.value, "after": after.value}
    if st.is_reopen(before, after):
        ticket.reopened_count += 1
        ticket.resolved_at = ticket.closed_at = None
        data["reopen"] = True
    if after is st.TicketStatus.RESOLVED:
        ticket.resolved_at = now
    if after is st.TicketStatus.CLOSED:
        ticket.closed_at = now
        ticket.resolved_at = ticket.resolved_at or now
    if resolution:
        ticket.resolution = resolution
        data["resolution"] = resolution
    await add_event(uow, ctx, ticket, "status", actor, body=resolution, data=data)
    policy, cal = await sla.context_for(uow.session, ticket)
    sla.status_changed(ticket, before, now, policy, cal)
    if finishing and ticket.type_key == types_mod.COMPLAINT:  # 回访: the next working day
        uow.session.add(
            FollowUp(
                ticket_id=ticket.id,
                due_at=next_working_day(now, cal),
                assignee_id=ticket.assignee_id,
                skill_group_id=ticket.skill_group_id,
                note="投诉回访",
                created_by=actor.id if actor.kind == "agent" else None,
                created_at=now,
            )
        )
    ticket.updated_at = now
    if after in (st.TicketStatus.PENDING, st.TicketStatus.RESOLVED):  # the customer is told (kefu.notify)
        view = await view_of(uow, ticket)
        await notify_tickets.enqueue_ticket_notification(uow, ctx, view.to_dict(), after.value)


@dataclass(frozen=True, slots=True)
class TicketChanges:
    """What an agent changes; ``UNSET`` leaves a field as it is (``None`` clears assignee or group)."""

    status: str | None = None
    resolution: str = ""
    priority: str | None = None
    assignee_id: Any = UNSET
    skill_group_id: Any = UNSET
    type_key: str | None = None
    title: str | None = None
    fields: dict[str, Any] | None = None


async def update_in(uow: UnitOfWork, ctx: Context, ticket: Ticket, changes: TicketChanges, actor: Actor) -> list[str]:
    """Apply changes to a locked ticket; returns what changed."""
    done: list[str] = []
    clocks = await _describe(uow, ctx, ticket, changes, actor, done)
    clocks = await _hands(uow, ctx, ticket, changes, actor, done) or clocks
    if clocks:  # type, priority or group changed: another policy or calendar may apply
        policy, cal = await sla.context_for(uow.session, ticket)
        sla.restart(ticket, policy, cal)
    if changes.status is not None:
        try:
            target = st.TicketStatus(changes.status)
        except ValueError:
            raise InvalidInput("unknown status", code="bad_status") from None
        if target.value != ticket.status:
            await set_status_in(uow, ctx, ticket, target, actor, changes.resolution)
            done.append("status")
    elif changes.resolution.strip() and changes.resolution.strip() != ticket.resolution:
        await _change(uow, ctx, ticket, "field", "resolution", changes.resolution.strip(), actor)
        done.append("resolution")
    if done:
        ticket.updated_at = ctx.clock.now()
    return done


async def _describe(
    uow: UnitOfWork, ctx: Context, ticket: Ticket, changes: TicketChanges, actor: Actor, done: list[str]
) -> bool:
    """Type, priority, title and fields; True if the SLA clocks need computing again."""
    clocks = False
    if changes.type_key is not None and changes.type_key != ticket.type_key:
        kind = await repo.get_type(uow.session, changes.type_key)
        if kind is None or not kind.enabled:
            raise InvalidInput(f"unknown ticket type {changes.type_key!r}", code="bad_type")
        await _change(uow, ctx, ticket, "field", "type_key", kind.key, actor)
        done.append("type")
        clocks = True
    if changes.priority is not None:
        if changes.priority not in st.PRIORITIES:
            raise InvalidInput(f"priority must be one of {', '.join(st.PRIORITIES)}", code="bad_priority")
        if await _change(uow, ctx, ticket, "field", "priority", changes.priority, actor):
            done.append("priority")
            clocks = True
    if changes.title is not None:
        title = changes.title.strip()[:MAX_TITLE]
        if not title:
            raise InvalidInput("title is empty", code="empty")
        if await _change(uow, ctx, ticket, "field", "title", title, actor):
            done.append("title")
    if changes.fields is not None and await _set_fields(uow, ctx, ticket, changes.fields, actor):
        done.append("fields")
    return clocks


async def _hands(
    uow: UnitOfWork, ctx: Context, ticket: Ticket, changes: TicketChanges, actor: Actor, done: list[str]
) -> bool:
    """Group and assignee (a new ticket given to someone is being worked on: → open); True if the
    group (so the calendar) changed."""
    clocks = False
    if changes.skill_group_id is not UNSET:
        gid = changes.skill_group_id
        if gid is not None and await routing_repo.get_group(uow.session, gid) is None:
            raise NotFound("skill group not found", code="group_not_found")
        if await _change(uow, ctx, ticket, "assignee", "skill_group_id", gid, actor):
            done.append("group")
            clocks = True
    if changes.assignee_id is not UNSET:
        uid = changes.assignee_id
        if uid is not None and await user_repo.get_user(uow.session, uid) is None:
            raise NotFound("agent not found", code="agent_not_found")
        if await _change(uow, ctx, ticket, "assignee", "assignee_id", uid, actor):
            done.append("assignee")
            if uid is not None and ticket.status == st.TicketStatus.NEW:
                await set_status_in(uow, ctx, ticket, st.TicketStatus.OPEN, actor)
    return clocks


async def _set_fields(uow: UnitOfWork, ctx: Context, ticket: Ticket, values: dict[str, Any], actor: Actor) -> bool:
    kind = await repo.get_type(uow.session, ticket.type_key)
    specs = json.loads(kind.fields or "[]") if kind is not None else []
    current: dict[str, str] = json.loads(ticket.fields or "{}")
    cleared = [k for k, v in values.items() if v is None or v == ""]
    clean = types_mod.check_values(specs, values, require=False)
    merged = {k: v for k, v in {**current, **clean}.items() if k not in cleared}
    if merged == current:
        return False
    for key in sorted(set(current) | set(merged)):
        if current.get(key) != merged.get(key):
            data = {"field": f"fields.{key}", "before": current.get(key), "after": merged.get(key)}
            await add_event(uow, ctx, ticket, "field", actor, data=data)
    ticket.fields = json.dumps(merged, ensure_ascii=False)
    ticket.phone, ticket.order_no = types_mod.search_keys(specs, merged)
    return True


async def update(ctx: Context, principal: Principal, ticket_id: int, changes: TicketChanges) -> TicketView:
    """Change a ticket's status, priority, assignee, group, type, title or fields (agents)."""
    actor = Actor.of(_agent(principal))
    async with ctx.uow() as uow:
        ticket = await lock(uow, principal, ticket_id)
        done = await update_in(uow, ctx, ticket, changes, actor)
        view = await changed(uow, ticket, ",".join(done) or "none", actor) if done else await view_of(uow, ticket)
        await uow.commit()
    return view


async def reply(
    ctx: Context, principal: Principal, ticket_id: int, body: str, *, post_to_chat: bool = True
) -> EventView:
    """Reply to the customer: a ``reply`` line (first response met, next-update clock restarted); also
    posted into the customer's open conversation when the replying agent is serving it."""
    agent = _agent(principal)
    body = check_body(body, what="reply")
    actor = Actor.of(agent)
    async with ctx.uow() as uow:
        ticket = await lock(uow, principal, ticket_id)
        if ticket.status == st.TicketStatus.NEW:
            await set_status_in(uow, ctx, ticket, st.TicketStatus.OPEN, actor)
        posted = await _post_to_chat(uow, ctx, ticket, agent, body) if post_to_chat else None
        event = await add_event(
            uow, ctx, ticket, "reply", actor, body=body, data={"conversation_id": posted} if posted else {}
        )
        now = ctx.clock.now()
        policy, cal = await sla.context_for(uow.session, ticket)
        sla.agent_replied(ticket, now, policy, cal)
        ticket.updated_at = now
        view = await changed(uow, ticket, "reply", actor)
        await notify_tickets.enqueue_ticket_notification(uow, ctx, view.to_dict(), "replied", reply=body)
        await uow.commit()
    return event


async def _post_to_chat(uow: UnitOfWork, ctx: Context, ticket: Ticket, agent: AgentPrincipal, body: str) -> int | None:
    from kefu.conversations.actions import append_message  # noqa: PLC0415 (conversations import events)
    from kefu.storage.repositories import conversations as conversation_repo  # noqa: PLC0415

    for conversation_id in reversed(await repo.links(uow.session, ticket.id)):
        conversation = await conversation_repo.get(uow.session, conversation_id)
        if conversation is not None and conversation.status == "assigned" and conversation.assignee_id == agent.user_id:
            text = f"[{ticket.number}] {body}"
            await append_message(
                uow,
                ctx,
                conversation_id,
                sender_kind="agent",
                text=text,
                sender_user_id=agent.user_id,
                meta={"ticket_id": ticket.id},
            )
            return conversation_id
    return None


async def note(ctx: Context, principal: Principal, ticket_id: int, body: str) -> EventView:
    """An internal note: on the timeline, never shown to the customer."""
    actor = Actor.of(_agent(principal))
    body = check_body(body, what="note")
    async with ctx.uow() as uow:
        ticket = await lock(uow, principal, ticket_id)
        event = await add_event(uow, ctx, ticket, "note", actor, body=body)
        ticket.updated_at = ctx.clock.now()
        await uow.commit()
    return event


async def link(ctx: Context, principal: Principal, ticket_id: int, conversation_id: int) -> TicketView:
    """Link a conversation the agent may see to the ticket."""
    from kefu.security.access import load_visible  # noqa: PLC0415 (security.access imports conversations)

    actor = Actor.of(_agent(principal))
    async with ctx.uow() as uow:
        ticket = await lock(uow, principal, ticket_id)
        conversation = await load_visible(uow.session, principal, conversation_id)
        if conversation.customer_id != ticket.customer_id:
            raise InvalidInput("the conversation is another customer's", code="other_customer")
        if conversation_id not in await repo.links(uow.session, ticket.id):
            uow.session.add(
                TicketLink(ticket_id=ticket.id, conversation_id=conversation_id, created_at=ctx.clock.now())
            )
            await add_event(uow, ctx, ticket, "link", actor, data={"conversation_id": conversation_id})
        view = await changed(uow, ticket, "link", actor)
        await uow.commit()
    return view


@dataclass(frozen=True, slots=True)
class BulkResult:
    """What a bulk change did: the tickets changed and, per ticket that was not, why."""

    changed: list[int]
    failed: dict[int, str]


async def bulk(ctx: Context, principal: Principal, ticket_ids: Sequence[int], changes: TicketChanges) -> BulkResult:
    """Assign or close many tickets: each in its own transaction, so one refusal does not undo the rest."""
    _agent(principal)
    result = BulkResult([], {})
    for ticket_id in dict.fromkeys(ticket_ids):
        try:
            await update(ctx, principal, ticket_id, changes)
        except KefuError as exc:  # refused (not visible, bad transition, no resolution note …)
            result.failed[ticket_id] = exc.code
        else:
            result.changed.append(ticket_id)
    return result
