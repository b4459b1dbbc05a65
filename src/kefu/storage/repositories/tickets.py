"""Ticket queries: numbering, the list with its filters and keyset pages, the SLA and follow-up sweeps.

Numbering is race-free on both engines: one ``INSERT … ON CONFLICT (day) DO UPDATE SET last = last + 1
RETURNING last`` — PostgreSQL row-locks the day's counter until commit, SQLite serialises writers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, false, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.storage.tables import (
    Customer,
    FollowUp,
    Holiday,
    SlaPolicy,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketLink,
    TicketType,
)

ACTIVE_STATUSES = ("new", "open", "pending")


async def next_number(session: AsyncSession, day: str) -> int:
    """The next sequence number of ``day`` (YYYYMMDD), counted in the caller's transaction."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    bump = (
        insert(TicketCounter)
        .values(day=day, last=1)
        .on_conflict_do_update(index_elements=[TicketCounter.day], set_={"last": TicketCounter.last + 1})
        .returning(TicketCounter.last)
    )
    return int((await session.execute(bump)).scalar_one())


async def get(session: AsyncSession, ticket_id: int, *, lock: bool = False) -> Ticket | None:
    """The ticket (row-locked until commit with ``lock``)."""
    query = select(Ticket).where(Ticket.id == ticket_id).execution_options(populate_existing=True)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def get_by_number(session: AsyncSession, number: str) -> Ticket | None:
    """The ticket a customer quotes."""
    return (await session.execute(select(Ticket).where(Ticket.number == number))).scalar_one_or_none()


async def events(session: AsyncSession, ticket_id: int, kinds: Sequence[str] | None = None) -> Sequence[TicketEvent]:
    """The ticket's timeline, oldest first (only ``kinds`` if given)."""
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
    if kinds is not None:
        query = query.where(TicketEvent.kind.in_(list(kinds)))
    return (await session.execute(query)).scalars().all()


async def get_event(session: AsyncSession, ticket_id: int, event_id: int) -> TicketEvent | None:
    """One timeline line of the ticket."""
    row = await session.get(TicketEvent, event_id)
    return row if row is not None and row.ticket_id == ticket_id else None


async def links(session: AsyncSession, ticket_id: int) -> list[int]:
    """The conversations linked to the ticket."""
    query = select(TicketLink.conversation_id).where(TicketLink.ticket_id == ticket_id).order_by(TicketLink.created_at)
    return [int(c) for c in (await session.execute(query)).scalars().all()]


async def tickets_of_conversation(session: AsyncSession, conversation_id: int) -> list[int]:
    """The tickets a conversation is linked to."""
    query = select(TicketLink.ticket_id).where(TicketLink.conversation_id == conversation_id)
    return [int(t) for t in (await session.execute(query)).scalars().all()]


async def leave_tickets(session: AsyncSession, customer_id: int) -> Sequence[Ticket]:
    """The customer's tickets that came from the 留言 form (few per customer), locked."""
    query = (
        select(Ticket)
        .where(Ticket.customer_id == customer_id, Ticket.source == "leave")
        .order_by(Ticket.id.desc())
        .with_for_update()
    )
    return (await session.execute(query)).scalars().all()


# ---- types, SLA policies, holidays -----------------------------------------------------------------


async def types(session: AsyncSession, *, enabled_only: bool = False) -> Sequence[TicketType]:
    """Ticket types in display order."""
    query = select(TicketType).order_by(TicketType.sort, TicketType.key)
    if enabled_only:
        query = query.where(TicketType.enabled.is_(True))
    return (await session.execute(query)).scalars().all()


async def get_type(session: AsyncSession, key: str) -> TicketType | None:
    """A ticket type by key."""
    return await session.get(TicketType, key, populate_existing=True)


async def find_type_by_name(session: AsyncSession, name: str) -> TicketType | None:
    """A ticket type by key or display name (flows may say ``type: 报修``)."""
    query = select(TicketType).where(or_(TicketType.key == name, TicketType.name == name))
    return (await session.execute(query)).scalars().first()


async def sla_policies(session: AsyncSession) -> Sequence[SlaPolicy]:
    """All SLA policies."""
    return (await session.execute(select(SlaPolicy).order_by(SlaPolicy.id))).scalars().all()


async def holidays(session: AsyncSession, group_id: int | None = None) -> Sequence[Holiday]:
    """Holidays and make-up working days for everyone and (if given) for one group."""
    query = select(Holiday).order_by(Holiday.day)
    if group_id is None:
        query = query.where(Holiday.skill_group_id.is_(None))
    else:
        query = query.where(or_(Holiday.skill_group_id.is_(None), Holiday.skill_group_id == group_id))
    return (await session.execute(query)).scalars().all()


async def all_holidays(session: AsyncSession) -> Sequence[Holiday]:
    """Every holiday row."""
    return (await session.execute(select(Holiday).order_by(Holiday.day, Holiday.id))).scalars().all()


async def delete_row(session: AsyncSession, table: type[Any], row_id: int) -> bool:
    """Delete one row of an admin table by id; False if there was none."""
    result = await session.execute(delete(table).where(table.id == row_id))
    return bool(getattr(result, "rowcount", 0))


# ---- the list ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListFilter:
    """What the agents' list asks for; ``before`` is the keyset cursor (the last id of the page before)."""

    view: str | None = None
    status: Sequence[str] = ()
    type_key: str | None = None
    priority: str | None = None
    source: str | None = None
    q: str | None = None
    customer_id: int | None = None
    before: int | None = None
    limit: int = 50


def _search(q: str) -> ColumnElement[bool]:
    q = q.strip()
    name_matches = select(Customer.id).where(Customer.display_name.like(f"%{q}%"))
    return or_(
        Ticket.number == q.upper(),
        Ticket.phone == q,
        Ticket.order_no == q,
        Ticket.customer_id.in_(name_matches),
    )


async def list_tickets(
    session: AsyncSession,
    visible: ColumnElement[bool],
    flt: ListFilter,
    *,
    me: int | None,
    my_groups: Sequence[int],
    breach_horizon: datetime,
) -> Sequence[Ticket]:
    """One page of tickets the caller may see, newest first."""
    query = select(Ticket).where(visible).order_by(Ticket.id.desc()).limit(flt.limit)
    if flt.view == "mine":
        query = query.where(Ticket.assignee_id == me)
    elif flt.view == "group":
        query = query.where(Ticket.skill_group_id.in_(list(my_groups)) if my_groups else false())
    elif flt.view == "unassigned":
        query = query.where(Ticket.assignee_id.is_(None))
    elif flt.view == "breaching":
        query = query.where(Ticket.sla_due_at.is_not(None), Ticket.sla_due_at <= breach_horizon)
    if flt.view in ("mine", "group", "unassigned", "breaching") and not flt.status:
        query = query.where(Ticket.status.in_(ACTIVE_STATUSES))
    if flt.status:
        query = query.where(Ticket.status.in_(list(flt.status)))
    if flt.type_key:
        query = query.where(Ticket.type_key == flt.type_key)
    if flt.priority:
        query = query.where(Ticket.priority == flt.priority)
    if flt.source:
        query = query.where(Ticket.source == flt.source)
    if flt.customer_id is not None:
        query = query.where(Ticket.customer_id == flt.customer_id)
    if flt.q:
        query = query.where(_search(flt.q))
    if flt.before is not None:
        query = query.where(Ticket.id < flt.before)
    return (await session.execute(query)).scalars().all()


async def customer_names(session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
    """Display names of customers by id."""
    if not ids:
        return {}
    rows = (await session.execute(select(Customer.id, Customer.display_name).where(Customer.id.in_(set(ids))))).all()
    return {int(i): str(n) for i, n in rows}


# ---- the sweep --------------------------------------------------------------------------------------


async def sla_due(session: AsyncSession, now: datetime, limit: int = 500) -> list[int]:
    """Tickets whose nearest clock is due for a warning or a breach, by urgency."""
    query = (
        select(Ticket.id)
        .where(
            Ticket.status.in_(ACTIVE_STATUSES),
            or_(
                and_(Ticket.sla_warned.is_(False), Ticket.sla_warn_at <= now),
                and_(Ticket.sla_breached.is_(False), Ticket.sla_due_at <= now),
            ),
        )
        .order_by(Ticket.sla_due_at)
        .limit(limit)
    )
    return [int(i) for i in (await session.execute(query)).scalars().all()]


async def follow_ups_due(session: AsyncSession, now: datetime, limit: int = 500) -> Sequence[FollowUp]:
    """Follow-ups due and not announced yet (locked, so two nodes do not announce one twice)."""
    query = (
        select(FollowUp)
        .where(FollowUp.done_at.is_(None), FollowUp.notified_at.is_(None), FollowUp.due_at <= now)
        .order_by(FollowUp.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.execute(query)).scalars().all()


async def follow_ups(
    session: AsyncSession, visible: ColumnElement[bool], *, due_before: datetime | None, open_only: bool
) -> Sequence[FollowUp]:
    """Follow-ups the caller may see (due ones only with ``due_before``), soonest first."""
    query = select(FollowUp).where(visible).order_by(FollowUp.due_at, FollowUp.id).limit(500)
    if open_only:
        query = query.where(FollowUp.done_at.is_(None))
    if due_before is not None:
        query = query.where(FollowUp.due_at <= due_before)
    return (await session.execute(query)).scalars().all()


async def count_active_assigned(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, int]:
    """Active tickets per assignee (for re-assignment to the least loaded)."""
    if not user_ids:
        return {}
    query = (
        select(Ticket.assignee_id, func.count(Ticket.id))
        .where(Ticket.assignee_id.in_(list(user_ids)), Ticket.status.in_(ACTIVE_STATUSES))
        .group_by(Ticket.assignee_id)
    )
    return {int(a): int(n) for a, n in (await session.execute(query)).all() if a is not None}
