"""Where tickets come from besides the REST API: a conversation in one click, the console (a phone
call or a visit noted by hand), the 留言 form and a guided flow's ``end: ticket``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kefu.context import Context
from kefu.conversations import customers
from kefu.errors import InvalidInput
from kefu.flows import source as flow_source
from kefu.security.access import load_visible, require_agent
from kefu.security.principals import Principal
from kefu.storage.repositories import flows as flow_repo
from kefu.storage.repositories import messages as message_repo
from kefu.storage.repositories import tickets as repo
from kefu.storage.uow import UnitOfWork
from kefu.tickets import actions
from kefu.tickets import types as types_mod
from kefu.tickets.actions import NewTicket
from kefu.tickets.status import TicketStatus
from kefu.tickets.views import TicketView

FINISHED = ("resolved", "ticket", "handed_over", "cancelled", "expired")
PHONE_CHANNEL = "phone"  # customers met by phone or in person are known by their number


async def from_conversation(
    ctx: Context, principal: Principal, conversation_id: int, overrides: dict[str, Any]
) -> TicketView:
    """A ticket from a conversation: the transcript linked, title and fields pre-filled from the
    conversation and its last finished flow run (overrides win)."""
    agent = require_agent(principal)
    async with ctx.uow() as uow:
        conversation = await load_visible(uow.session, agent, conversation_id)
        prefill = await _prefill(uow, conversation_id)
        new = NewTicket(
            customer_id=conversation.customer_id,
            type_key=overrides.get("type_key") or prefill.get("type_key") or types_mod.OTHER,
            title=overrides.get("title") or prefill.get("title", ""),
            description=overrides.get("description") or "",
            fields={**prefill.get("fields", {}), **(overrides.get("fields") or {})},
            priority=overrides.get("priority") or "normal",
            skill_group_id=overrides.get("skill_group_id", conversation.skill_group_id),
            assignee_id=overrides.get("assignee_id", agent.user_id),
            source="conversation",
            conversation_ids=(conversation_id,),
        )
        view = await actions.create_in(uow, ctx, new, actions.Actor.of(agent))
        await uow.commit()
    return view


async def _prefill(uow: UnitOfWork, conversation_id: int) -> dict[str, Any]:
    """Title from the flow (or the customer's first words), fields from what the flow collected."""
    result: dict[str, Any] = {}
    for run in await flow_repo.runs_of(uow.session, conversation_id):  # newest first
        if run.status not in FINISHED or run.ended_at is None:
            continue
        state = json.loads(run.state or "{}")
        result["fields"] = {k: v for k, v in (state.get("slots") or {}).items() if isinstance(v, str)}
        summary = json.loads(run.summary or "{}")
        result["title"] = str(summary.get("flow") or "")
        version = await flow_repo.get_version(uow.session, run.flow_version_id)
        type_name = _flow_ticket_type(version.source) if version is not None else None
        kind = await repo.find_type_by_name(uow.session, type_name) if type_name else None
        if kind is not None:
            result["type_key"] = kind.key
        break
    if not result.get("title"):
        first = await message_repo.first_customer_text(uow.session, conversation_id)
        result["title"] = (first or "").strip()[:60]
    return result


def _flow_ticket_type(source: str) -> str | None:
    """The ticket type a flow names on its ``end: ticket`` step, if any."""
    try:
        flow = flow_source.parse(source)
    except Exception:
        return None
    for step in flow.steps:
        if step.end == "ticket" and step.ticket is not None and step.ticket.type:
            return step.ticket.type
    return None


async def from_console(
    ctx: Context,
    principal: Principal,
    *,
    phone: str,
    name: str,
    customer_id: int | None,
    new: NewTicket,
) -> TicketView:
    """A ticket an agent notes by hand (a phone call, a visit): for ``customer_id``, or the customer
    known by this phone number (registered with ``name`` if new)."""
    agent = require_agent(principal)
    if customer_id is None:
        phone = re.sub(r"[\s-]", "", phone)
        if not types_mod.PHONE.match(phone):
            raise InvalidInput("a customer id or a phone number is required", code="customer_required")
        found = await customers.known(ctx, PHONE_CHANNEL, phone)
        if found is None:
            found = await customers.identify(ctx, PHONE_CHANNEL, phone, name=name.strip() or None)
        customer_id = found.customer_id
        fields = {"phone": phone, **(new.fields or {})}
    else:
        fields = dict(new.fields or {})
    ticket = NewTicket(
        customer_id=customer_id,
        type_key=new.type_key,
        title=new.title,
        description=new.description,
        fields=fields,
        priority=new.priority,
        skill_group_id=new.skill_group_id,
        assignee_id=new.assignee_id,
        source="console",
        require_fields=True,
    )
    return await actions.create(ctx, agent, ticket)


async def from_leave(
    uow: UnitOfWork,
    ctx: Context,
    *,
    customer_id: int,
    conversation_id: int | None,
    skill_group_id: int | None,
    name: str,
    contact: str,
    text: str,
    leave_message_id: int,
) -> TicketView:
    """A 留言 becomes a ticket of type 其他 (source ``leave``) in the same transaction as the 留言 row."""
    new = NewTicket(
        customer_id=customer_id,
        type_key=types_mod.OTHER,
        description=text,
        fields={"contact": contact, "name": name, "leave_message_id": str(leave_message_id)},
        skill_group_id=skill_group_id,
        source="leave",
        conversation_ids=(conversation_id,) if conversation_id is not None else (),
    )
    return await actions.create_in(uow, ctx, new, actions.Actor("customer", customer_id))


async def from_flow(
    uow: UnitOfWork,
    ctx: Context,
    *,
    customer_id: int,
    conversation_id: int,
    type_name: str | None,
    title: str,
    description: str,
    fields: dict[str, str],
    group_name: str | None,
    priority: str = "normal",
) -> TicketView:
    """A guided flow ended with ``end: ticket``: its collected values become the ticket's fields."""
    from kefu.storage.repositories import users as user_repo  # noqa: PLC0415

    kind = await repo.find_type_by_name(uow.session, type_name) if type_name else None
    group = await user_repo.get_group_by_name(uow.session, group_name) if group_name else None
    specs = json.loads(kind.fields or "[]") if kind is not None else []
    kept, refused = _sorted_out(specs, fields)
    if refused:  # a value the type would refuse is kept in the description rather than failing the flow
        description = "\n".join([description, *(f"{k}: {v}" for k, v in refused.items())])
    new = NewTicket(
        customer_id=customer_id,
        type_key=kind.key if kind is not None else types_mod.OTHER,
        title=title,
        description=description,
        fields=kept,
        priority=priority,
        skill_group_id=group.id if group is not None else None,
        source="flow",
        conversation_ids=(conversation_id,),
    )
    return await actions.create_in(uow, ctx, new, actions.Actor("system", None))


def _sorted_out(specs: list[dict[str, Any]], values: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The values the type accepts, and the others."""
    kept: dict[str, str] = {}
    refused: dict[str, str] = {}
    for key, value in values.items():
        try:
            kept.update(types_mod.check_values(specs, {key: value}, require=False))
        except InvalidInput:
            refused[key] = str(value)[: types_mod.MAX_VALUE]
    return kept, refused


async def leave_answered(
    uow: UnitOfWork, ctx: Context, *, customer_id: int, leave_message_id: int, agent_id: int, answer: str
) -> None:
    """A 留言 answered through the 留言 API: its ticket gets the answer as a reply and is resolved."""
    for ticket in await repo.leave_tickets(uow.session, customer_id):
        if json.loads(ticket.fields or "{}").get("leave_message_id") != str(leave_message_id):
            continue
        actor = actions.Actor("agent", agent_id)
        await actions.add_event(
            uow, ctx, ticket, "reply", actor, body=answer, data={"leave_message_id": leave_message_id}
        )
        if ticket.status in ("new", "open", "pending"):
            await actions.set_status_in(uow, ctx, ticket, TicketStatus.RESOLVED, actor, resolution=answer)
        ticket.first_responded_at = ticket.first_responded_at or ctx.clock.now()
        await actions.changed(uow, ticket, "reply", actor)
        return
