"""What a customer does with their own tickets (the widget's 我的工单): add information or a file,
confirm it resolved, reopen it. Each is a timeline line like an agent's, with the customer as actor.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kefu.context import Context
from kefu.conversations import attachments
from kefu.errors import Conflict, InvalidInput, NotFound, TooLarge
from kefu.security.principals import CustomerPrincipal, Principal
from kefu.security.ticket_access import require_visible
from kefu.storage.repositories import tickets as repo
from kefu.tickets import actions
from kefu.tickets.actions import Actor
from kefu.tickets.status import TicketStatus
from kefu.tickets.views import EventView, TicketView


async def add_information(ctx: Context, customer: CustomerPrincipal, ticket_id: int, body: str) -> EventView:
    """The customer writes more; a ticket waiting for them (pending) goes back to work (open)."""
    body = actions.check_body(body, what="message")
    actor = Actor.of(customer)
    async with ctx.uow() as uow:
        ticket = await actions.lock(uow, customer, ticket_id)
        if ticket.status == TicketStatus.CLOSED:
            raise Conflict("the ticket is closed: reopen it first", code="ticket_closed")
        event = await actions.add_event(uow, ctx, ticket, "reply", actor, body=body)
        if ticket.status == TicketStatus.PENDING:
            await actions.set_status_in(uow, ctx, ticket, TicketStatus.OPEN, actor)
        ticket.updated_at = ctx.clock.now()
        await actions.changed(uow, ticket, "customer_reply", actor)
        await uow.commit()
    return event


async def attach(
    ctx: Context, customer: Principal, ticket_id: int, filename: str, data: bytes, text: str = ""
) -> EventView:
    """The customer (or an agent) adds a file (a photo of the fault …), stored like a conversation
    attachment; the timeline line keeps where it is."""
    if not data:
        raise InvalidInput("file is empty", code="file_empty")
    if len(data) > ctx.settings.max_upload_bytes:
        raise TooLarge(f"file is larger than {ctx.settings.max_upload_bytes} bytes", code="file_too_large")
    body = actions.check_body(text, what="text", allow_empty=True)
    async with ctx.uow() as uow:  # check access before writing anything to disk
        await actions.lock(uow, customer, ticket_id)
    stored = attachments.store_file(ctx, filename, data)
    file = stored.attachment
    meta = {
        "attachment_name": file.filename,
        "content_type": file.content_type,
        "size": file.size,
        "sha256": file.sha256,
        "storage_path": file.storage_path,
    }
    try:
        async with ctx.uow() as uow:
            ticket = await actions.lock(uow, customer, ticket_id)
            event = await actions.add_event(uow, ctx, ticket, "attachment", Actor.of(customer), body=body, data=meta)
            ticket.updated_at = ctx.clock.now()
            await uow.commit()
    except BaseException:
        stored.path.unlink(missing_ok=True)
        raise
    return event


async def confirm_resolved(ctx: Context, customer: CustomerPrincipal, ticket_id: int) -> TicketView:
    """The customer agrees it is solved: resolved → closed."""
    actor = Actor.of(customer)
    async with ctx.uow() as uow:
        ticket = await actions.lock(uow, customer, ticket_id)
        if ticket.status != TicketStatus.RESOLVED:
            raise Conflict("only a resolved ticket can be confirmed", code="not_resolved")
        await actions.set_status_in(uow, ctx, ticket, TicketStatus.CLOSED, actor)
        view = await actions.changed(uow, ticket, "status", actor)
        await uow.commit()
    return view


async def reopen(ctx: Context, customer: CustomerPrincipal, ticket_id: int, body: str = "") -> TicketView:
    """The customer says it is not solved: back to open (within ``ticket_reopen_days``)."""
    actor = Actor.of(customer)
    body = actions.check_body(body, what="message", allow_empty=True)
    async with ctx.uow() as uow:
        ticket = await actions.lock(uow, customer, ticket_id)
        await actions.set_status_in(uow, ctx, ticket, TicketStatus.OPEN, actor)
        if body:
            await actions.add_event(uow, ctx, ticket, "reply", actor, body=body)
        view = await actions.changed(uow, ticket, "status", actor)
        await uow.commit()
    return view


async def open_attachment(
    ctx: Context, principal: Principal, ticket_id: int, event_id: int
) -> tuple[dict[str, Any], Path]:
    """A ticket attachment's details and file, for those who may see the ticket."""
    async with ctx.uow() as uow:
        require_visible(principal, await repo.get(uow.session, ticket_id))
        row = await repo.get_event(uow.session, ticket_id, event_id)
    data = json.loads(row.data or "{}") if row is not None and row.kind == "attachment" else {}
    if not data.get("storage_path"):
        raise NotFound("attachment not found", code="attachment_not_found")
    path = ctx.settings.attachments_dir / str(data["storage_path"])
    if not path.is_file():
        raise NotFound("attachment file missing", code="attachment_not_found")
    return data, path
