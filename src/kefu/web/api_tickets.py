"""Tickets routes: the agents' views, search and timeline, every write, follow-ups, the service-desk
settings (types, SLA policies, holidays), and the customer's 我的工单 under ``/visitor/tickets``.

Handlers validate and call one action of ``kefu.tickets``; the access policy is applied there.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import FileResponse

from kefu.errors import InvalidInput, PermissionDenied, TooLarge
from kefu.security.principals import CustomerPrincipal, Principal
from kefu.storage.repositories.tickets import ListFilter
from kefu.tickets import actions, customer, followups, queries, sources
from kefu.tickets import settings as desk
from kefu.tickets import types as types_mod
from kefu.tickets.actions import UNSET, NewTicket, TicketChanges
from kefu.tickets.views import customer_dict
from kefu.web.deps import AgentDep, CtxDep, PrincipalDep
from kefu.web.responses import file_response
from kefu.web.ticket_models import (
    BulkIn,
    BulkOut,
    FollowUpEnvelope,
    FollowUpIn,
    FollowUpListOut,
    FromConversationIn,
    HolidayEnvelope,
    HolidayIn,
    HolidayListOut,
    LinkIn,
    ReopenIn,
    ReplyIn,
    SlaPolicyEnvelope,
    SlaPolicyIn,
    SlaPolicyListOut,
    TextIn,
    TicketCreateIn,
    TicketDetailOut,
    TicketEnvelope,
    TicketEventEnvelope,
    TicketPageOut,
    TicketTypeEnvelope,
    TicketTypeIn,
    TicketTypeListOut,
    TicketUpdateIn,
    VisitorEventEnvelope,
    VisitorTicketDetailOut,
    VisitorTicketEnvelope,
    VisitorTicketListOut,
)

router = APIRouter(prefix="/api/v1", tags=["tickets"])
FILE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain")


def _statuses(status: str | None) -> tuple[str, ...]:
    return tuple(s for s in (status or "").split(",") if s)


# ---- agents: lists, reads --------------------------------------------------------------------------


@router.get("/tickets", response_model=TicketPageOut)
async def list_tickets(
    agent: AgentDep,
    ctx: CtxDep,
    view: Annotated[str | None, Query(description="mine | group | unassigned | breaching")] = None,
    status: Annotated[str | None, Query(description="one or more, comma-separated")] = None,
    type: Annotated[str | None, Query(description="ticket type key")] = None,
    priority: str | None = None,
    source: Annotated[str | None, Query(description="conversation | leave | flow | console | api | email")] = None,
    q: Annotated[str | None, Query(max_length=100, description="number, customer name, phone, order number")] = None,
    customer_id: int | None = None,
    before: Annotated[int | None, Query(description="the next_before of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Tickets the caller may see, newest first, in keyset pages. The views show active tickets unless
    ``status`` says otherwise; ``breaching`` = the nearest SLA clock is due within the hour or past."""
    flt = ListFilter(view, _statuses(status), type, priority, source, q or None, customer_id, before, limit)
    page = await queries.list_tickets(ctx, agent, flt)
    return {"tickets": [t.to_dict() for t in page.tickets], "next_before": page.next_before}


@router.get("/tickets/{ticket_id}", response_model=TicketDetailOut)
async def get_ticket(ticket_id: int, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """A ticket with its linked conversations and timeline (replies, notes, changes with who and when)."""
    return (await queries.get(ctx, agent, ticket_id)).to_dict()


# ---- agents: writes --------------------------------------------------------------------------------


@router.post("/tickets", response_model=TicketEnvelope, status_code=201)
async def create_ticket(body: TicketCreateIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Create a ticket: for ``customer_id``, or (a phone call, a visit) for the customer known by
    ``customer_phone`` — registered with ``customer_name`` if new."""
    new = NewTicket(
        customer_id=body.customer_id or 0,
        type_key=body.type_key,
        title=body.title,
        description=body.description,
        fields=body.fields,
        priority=body.priority,
        skill_group_id=body.skill_group_id,
        assignee_id=body.assignee_id,
        source=body.source,
        require_fields=True,
    )
    if body.source == "api" and body.customer_id is not None:
        view = await actions.create(ctx, agent, new)
    else:
        view = await sources.from_console(
            ctx, agent, phone=body.customer_phone, name=body.customer_name, customer_id=body.customer_id, new=new
        )
    return {"ticket": view.to_dict()}


@router.post("/conversations/{conversation_id}/ticket", response_model=TicketEnvelope, status_code=201)
async def ticket_from_conversation(
    conversation_id: int, agent: AgentDep, ctx: CtxDep, body: FromConversationIn | None = None
) -> dict[str, Any]:
    """One click: a ticket from the conversation (linked; title and fields pre-filled from it and from
    its last finished guided flow; assigned to the caller unless told otherwise)."""
    overrides = body.model_dump(exclude_unset=True) if body is not None else {}
    view = await sources.from_conversation(ctx, agent, conversation_id, overrides)
    return {"ticket": view.to_dict()}


def _changes(body: TicketUpdateIn) -> TicketChanges:
    given = body.model_fields_set
    return TicketChanges(
        status=body.status,
        resolution=body.resolution,
        priority=body.priority,
        assignee_id=body.assignee_id if "assignee_id" in given else UNSET,
        skill_group_id=body.skill_group_id if "skill_group_id" in given else UNSET,
        type_key=body.type_key,
        title=body.title,
        fields=dict(body.fields) if body.fields is not None else None,
    )


@router.patch("/tickets/{ticket_id}", response_model=TicketEnvelope)
async def update_ticket(ticket_id: int, body: TicketUpdateIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Change status, priority, assignee, group, type, title or fields; each change is a timeline line.
    Resolving or closing a complaint without ``resolution`` is a 422 ``resolution_required``."""
    view = await actions.update(ctx, agent, ticket_id, _changes(body))
    return {"ticket": view.to_dict()}


@router.post("/tickets/bulk", response_model=BulkOut)
async def bulk_update(body: BulkIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Assign (``assignee_id``, or ``unassign``) and/or resolve or close many tickets."""
    assignee: Any = None if body.unassign else (body.assignee_id if body.assignee_id is not None else UNSET)
    if assignee is UNSET and body.status is None:
        raise InvalidInput("nothing to change: give assignee_id, unassign or status", code="nothing_to_do")
    changes = TicketChanges(status=body.status, resolution=body.resolution, assignee_id=assignee)
    result = await actions.bulk(ctx, agent, body.ticket_ids, changes)
    return {"changed": result.changed, "failed": {str(k): v for k, v in result.failed.items()}}


@router.post("/tickets/{ticket_id}/replies", response_model=TicketEventEnvelope, status_code=201)
async def reply(ticket_id: int, body: ReplyIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Reply to the customer (shown in their 我的工单)."""
    event = await actions.reply(ctx, agent, ticket_id, body.body, post_to_chat=body.post_to_chat)
    return {"event": event.to_dict()}


@router.post("/tickets/{ticket_id}/notes", response_model=TicketEventEnvelope, status_code=201)
async def add_note(ticket_id: int, body: TextIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """An internal note (never shown to the customer)."""
    event = await actions.note(ctx, agent, ticket_id, body.body)
    return {"event": event.to_dict()}


@router.post("/tickets/{ticket_id}/links", response_model=TicketEnvelope)
async def link_conversation(ticket_id: int, body: LinkIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Link one of the customer's conversations to the ticket."""
    view = await actions.link(ctx, agent, ticket_id, body.conversation_id)
    return {"ticket": view.to_dict()}


async def _upload(ctx: Any, file: UploadFile) -> bytes:
    limit = ctx.settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"file is larger than {limit} bytes", code="file_too_large")
    return data


@router.post("/tickets/{ticket_id}/attachments", response_model=TicketEventEnvelope, status_code=201)
async def agent_attachment(
    ticket_id: int,
    agent: AgentDep,
    ctx: CtxDep,
    file: Annotated[UploadFile, File()],
    text: Annotated[str, Form()] = "",
) -> dict[str, Any]:
    """Add a file to the ticket (images, PDF, plain text)."""
    data = await _upload(ctx, file)
    event = await customer.attach(ctx, agent, ticket_id, file.filename or "file", data, text)
    return {"event": event.to_dict()}


@router.get(
    "/tickets/{ticket_id}/attachments/{event_id}", response_class=FileResponse, responses=file_response(*FILE_TYPES)
)
async def get_attachment(ticket_id: int, event_id: int, principal: PrincipalDep, ctx: CtxDep) -> FileResponse:
    """A ticket attachment's bytes (agents who may see the ticket, and its customer)."""
    meta, path = await customer.open_attachment(ctx, principal, ticket_id, event_id)
    kind = str(meta.get("content_type", "application/octet-stream"))
    return FileResponse(
        path,
        media_type=kind,
        filename=str(meta.get("attachment_name", "file")),
        content_disposition_type="inline" if kind.startswith("image/") else "attachment",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"},
    )


# ---- follow-ups ------------------------------------------------------------------------------------


@router.post("/tickets/{ticket_id}/follow-ups", response_model=FollowUpEnvelope, status_code=201)
async def ticket_follow_up(ticket_id: int, body: FollowUpIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Schedule a follow-up on the ticket ("3 天后回访": ``in_days: 3``)."""
    view = await followups.schedule(ctx, agent, ticket_id=ticket_id, **body.model_dump())
    return {"follow_up": view.to_dict()}


@router.post("/conversations/{conversation_id}/follow-ups", response_model=FollowUpEnvelope, status_code=201)
async def conversation_follow_up(
    conversation_id: int, body: FollowUpIn, agent: AgentDep, ctx: CtxDep
) -> dict[str, Any]:
    """Schedule a follow-up on a conversation."""
    view = await followups.schedule(ctx, agent, conversation_id=conversation_id, **body.model_dump())
    return {"follow_up": view.to_dict()}


@router.get("/follow-ups", response_model=FollowUpListOut)
async def list_follow_ups(
    agent: AgentDep,
    ctx: CtxDep,
    due: Annotated[bool, Query(description="only those due now")] = False,
    include_done: bool = False,
) -> dict[str, Any]:
    """Follow-ups for the caller (theirs, their groups', those they created; supervisors: all)."""
    rows = await followups.list_for(ctx, agent, due_only=due, include_done=include_done)
    return {"follow_ups": [r.to_dict() for r in rows]}


@router.post("/follow-ups/{follow_up_id}/done", response_model=FollowUpEnvelope)
async def follow_up_done(follow_up_id: int, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """The follow-up was made."""
    return {"follow_up": (await followups.finish(ctx, agent, follow_up_id)).to_dict()}


@router.post("/follow-ups/{follow_up_id}/dismiss", response_model=FollowUpEnvelope)
async def follow_up_dismiss(follow_up_id: int, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """The follow-up is not needed after all."""
    return {"follow_up": (await followups.finish(ctx, agent, follow_up_id, dismiss=True)).to_dict()}


# ---- settings: types, SLA policies, holidays --------------------------------------------------------


@router.get("/ticket-types", response_model=TicketTypeListOut)
async def list_types(agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Ticket types with their custom fields."""
    return {"types": [t.to_dict() for t in await types_mod.list_types(ctx)]}


def _admin(agent: Principal) -> None:
    if isinstance(agent, CustomerPrincipal) or agent.role != "admin":
        raise PermissionDenied("only admins edit ticket types")


@router.post("/ticket-types", response_model=TicketTypeEnvelope, status_code=201)
async def create_type(body: TicketTypeIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Add a ticket type (admins)."""
    _admin(agent)
    if not body.key:
        raise InvalidInput("key is required", code="key_required")
    view = await types_mod.save_type(
        ctx, body.key, name=body.name, fields=body.fields, enabled=body.enabled, sort=body.sort, create=True
    )
    return {"type": view.to_dict()}


@router.patch("/ticket-types/{key}", response_model=TicketTypeEnvelope)
async def update_type(key: str, body: TicketTypeIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Rename a type, change its fields, enable or disable it (admins)."""
    _admin(agent)
    view = await types_mod.save_type(ctx, key, name=body.name, fields=body.fields, enabled=body.enabled, sort=body.sort)
    return {"type": view.to_dict()}


@router.get("/sla-policies", response_model=SlaPolicyListOut)
async def list_policies(agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """SLA policies (the most specific matching one applies to a ticket)."""
    return {"policies": [p.to_dict() for p in await desk.list_policies(ctx)]}


@router.post("/sla-policies", response_model=SlaPolicyEnvelope, status_code=201)
async def create_policy(body: SlaPolicyIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Add an SLA policy (supervisors, admins)."""
    return {"policy": (await desk.save_policy(ctx, agent, body.model_dump())).to_dict()}


@router.put("/sla-policies/{policy_id}", response_model=SlaPolicyEnvelope)
async def replace_policy(policy_id: int, body: SlaPolicyIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Change an SLA policy (supervisors, admins)."""
    return {"policy": (await desk.save_policy(ctx, agent, body.model_dump(), policy_id)).to_dict()}


@router.delete("/sla-policies/{policy_id}", status_code=204)
async def delete_policy(policy_id: int, agent: AgentDep, ctx: CtxDep) -> None:
    """Remove an SLA policy."""
    await desk.delete_policy(ctx, agent, policy_id)


@router.get("/holidays", response_model=HolidayListOut)
async def list_holidays(agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Holidays and make-up working days."""
    return {"holidays": [h.to_dict() for h in await desk.list_holidays(ctx)]}


@router.post("/holidays", response_model=HolidayEnvelope, status_code=201)
async def add_holiday(body: HolidayIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Add a holiday (closed) or a make-up working day (supervisors, admins)."""
    view = await desk.add_holiday(ctx, agent, body.day, body.name, body.skill_group_id, body.working)
    return {"holiday": view.to_dict()}


@router.delete("/holidays/{holiday_id}", status_code=204)
async def delete_holiday(holiday_id: int, agent: AgentDep, ctx: CtxDep) -> None:
    """Remove a holiday row."""
    await desk.delete_holiday(ctx, agent, holiday_id)


# ---- the customer: 我的工单 --------------------------------------------------------------------------


def _customer(principal: Principal) -> CustomerPrincipal:
    if not isinstance(principal, CustomerPrincipal):
        raise PermissionDenied("visitor token required")
    return principal


@router.get("/visitor/tickets", response_model=VisitorTicketListOut)
async def my_tickets(
    principal: PrincipalDep, ctx: CtxDep, before: int | None = None, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> dict[str, Any]:
    """The visitor's own tickets, newest first."""
    page = await queries.list_tickets(ctx, _customer(principal), ListFilter(before=before, limit=limit))
    return {"tickets": [customer_dict(t) for t in page.tickets], "next_before": page.next_before}


@router.get("/visitor/tickets/{ticket_id}", response_model=VisitorTicketDetailOut)
async def my_ticket(ticket_id: int, principal: PrincipalDep, ctx: CtxDep) -> dict[str, Any]:
    """One of the visitor's tickets with the replies and status changes (never internal notes)."""
    return (await queries.get(ctx, _customer(principal), ticket_id)).for_customer()


@router.post("/visitor/tickets/{ticket_id}/messages", response_model=VisitorEventEnvelope, status_code=201)
async def add_information(ticket_id: int, body: TextIn, principal: PrincipalDep, ctx: CtxDep) -> dict[str, Any]:
    """Add information (a ticket waiting for the customer goes back to the agents)."""
    event = await customer.add_information(ctx, _customer(principal), ticket_id, body.body)
    return {"event": event.for_customer()}


@router.post("/visitor/tickets/{ticket_id}/attachments", response_model=VisitorEventEnvelope, status_code=201)
async def add_file(
    ticket_id: int,
    principal: PrincipalDep,
    ctx: CtxDep,
    file: Annotated[UploadFile, File()],
    text: Annotated[str, Form()] = "",
) -> dict[str, Any]:
    """Add a photo or file to the ticket."""
    data = await _upload(ctx, file)
    event = await customer.attach(ctx, _customer(principal), ticket_id, file.filename or "file", data, text)
    return {"event": event.for_customer()}


@router.post("/visitor/tickets/{ticket_id}/confirm", response_model=VisitorTicketEnvelope)
async def confirm(ticket_id: int, principal: PrincipalDep, ctx: CtxDep) -> dict[str, Any]:
    """The customer confirms the resolved ticket solved (→ closed)."""
    view = await customer.confirm_resolved(ctx, _customer(principal), ticket_id)
    return {"ticket": customer_dict(view)}


@router.post("/visitor/tickets/{ticket_id}/reopen", response_model=VisitorTicketEnvelope)
async def reopen(ticket_id: int, principal: PrincipalDep, ctx: CtxDep, body: ReopenIn | None = None) -> dict[str, Any]:
    """The customer says it is not solved (→ open; within the reopen window)."""
    view = await customer.reopen(ctx, _customer(principal), ticket_id, body.body if body is not None else "")
    return {"ticket": customer_dict(view)}
