"""The access policy for tickets and follow-ups: one rule, in a Python form and a SQL form.

- A customer sees their own tickets (the widget's 我的工单) — and of those only what is not internal.
- Admins and supervisors see every ticket (complaints always reach them).
- An agent sees the tickets assigned to them, every ticket of their skill groups (assigned to a
  colleague or not), and unassigned tickets of no group.
- Follow-ups: an agent sees those assigned to them, to one of their groups, or that they created.

:func:`may_view` and :func:`visible_clause` are the two forms, tested against one table of cases
(tests/security/test_ticket_policy_table.py); every list query uses the SQL form, every single read
the Python form (through :func:`require_visible`). Denials look like "not found".
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_, true

from kefu.errors import NotFound
from kefu.security.principals import AgentPrincipal, CustomerPrincipal, Principal
from kefu.storage.tables import FollowUp, Ticket


@dataclass(frozen=True, slots=True)
class TicketScope:
    """What the rule needs to know about a ticket."""

    customer_id: int
    assignee_id: int | None
    skill_group_id: int | None

    @classmethod
    def of(cls, row: Ticket) -> TicketScope:
        """The scope of a stored ticket."""
        return cls(row.customer_id, row.assignee_id, row.skill_group_id)


def may_view(principal: Principal, scope: TicketScope) -> bool:
    """The rule in Python."""
    if isinstance(principal, CustomerPrincipal):
        return scope.customer_id == principal.customer_id
    if principal.sees_everything:
        return True
    if scope.assignee_id is not None and scope.assignee_id == principal.user_id:
        return True
    if scope.skill_group_id is not None:
        return scope.skill_group_id in principal.group_ids
    return scope.assignee_id is None


def visible_clause(principal: Principal) -> ColumnElement[bool]:
    """The rule as a SQL condition on ``tickets``."""
    if isinstance(principal, CustomerPrincipal):
        return Ticket.customer_id == principal.customer_id
    if principal.sees_everything:
        return true()
    groups = sorted(principal.group_ids)
    return or_(
        Ticket.assignee_id == principal.user_id,
        Ticket.skill_group_id.in_(groups) if groups else false(),
        and_(Ticket.skill_group_id.is_(None), Ticket.assignee_id.is_(None)),
    )


def require_visible(principal: Principal, row: Ticket | None) -> Ticket:
    """The ticket if the caller may see it; NotFound otherwise (or if there is none)."""
    if row is None or not may_view(principal, TicketScope.of(row)):
        raise NotFound("ticket not found", code="ticket_not_found")
    return row


def may_edit(agent: AgentPrincipal, scope: TicketScope) -> bool:
    """Agents change the tickets they may see; customers never edit (they add information)."""
    return may_view(agent, scope)


def follow_up_clause(principal: Principal) -> ColumnElement[bool]:
    """Follow-ups the caller may see (SQL)."""
    if isinstance(principal, CustomerPrincipal):
        return false()
    if principal.sees_everything:
        return true()
    groups = sorted(principal.group_ids)
    return or_(
        FollowUp.assignee_id == principal.user_id,
        FollowUp.created_by == principal.user_id,
        and_(FollowUp.assignee_id.is_(None), FollowUp.skill_group_id.in_(groups) if groups else false()),
    )


def may_view_follow_up(principal: Principal, row: FollowUp) -> bool:
    """Follow-ups the caller may see (Python)."""
    if isinstance(principal, CustomerPrincipal):
        return False
    if principal.sees_everything or principal.user_id in (row.assignee_id, row.created_by):
        return True
    return row.assignee_id is None and row.skill_group_id is not None and row.skill_group_id in principal.group_ids
