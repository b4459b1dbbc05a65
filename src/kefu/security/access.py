"""The access policy: who may read and act on which conversation. One rule, every door.

- A customer reads only their own conversations.
- Admins and supervisors read every conversation (they monitor live chats on purpose, by role).
- An agent reads the conversations assigned to them (open or closed), conversations waiting in the
  queue of one of their skill groups (or of no group), and every conversation of a customer they are
  serving right now (an open conversation with that customer assigned to them).
Nothing else: not the bot's conversations, not colleagues' assigned ones. Denials look like "not
found", so ids of other people's conversations reveal nothing.

The rule has three forms, all here and tested against one table of cases (tests/security):
:func:`may_view_directly` (pure Python on a :class:`ConversationScope`, used by the WebSocket hub on
every delivery), :func:`visible_clause` (the same rule as SQL, used by every list query), and
:func:`can_view` (the Python form plus the "serving this customer" part, which needs the database).
:func:`audience` names the index keys under which everyone the rule admits can be found, so the hub
looks up recipients instead of testing every socket.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.conversations.status import WAITING_STATUSES, ConversationScope, Status
from kefu.conversations.views import scope_of
from kefu.errors import NotFound, PermissionDenied
from kefu.security.principals import AgentPrincipal, CustomerPrincipal, Principal
from kefu.storage.repositories import conversations as conversation_repo
from kefu.storage.repositories import customers as customer_repo
from kefu.storage.tables import Conversation


def may_view_directly(principal: Principal, scope: ConversationScope) -> bool:
    """The rule without the "serving this customer" part: decidable from the scope alone."""
    if isinstance(principal, CustomerPrincipal):
        return scope.customer_id == principal.customer_id
    if principal.sees_everything or (scope.assignee_id is not None and scope.assignee_id == principal.user_id):
        return True
    if scope.status is Status.QUEUED:
        return scope.skill_group_id is None or scope.skill_group_id in principal.group_ids
    return False


def visible_clause(principal: Principal) -> ColumnElement[bool]:
    """The whole rule as a SQL condition on ``conversations`` (for list queries)."""
    if isinstance(principal, CustomerPrincipal):
        return Conversation.customer_id == principal.customer_id
    if principal.sees_everything:
        return true()
    groups = list(principal.group_ids)
    in_my_groups = or_(
        Conversation.skill_group_id.is_(None), Conversation.skill_group_id.in_(groups) if groups else false()
    )
    serving = (
        select(Conversation.customer_id)
        .where(Conversation.assignee_id == principal.user_id, Conversation.status == Status.ASSIGNED.value)
        .scalar_subquery()
    )
    return or_(
        Conversation.assignee_id == principal.user_id,
        and_(Conversation.status == Status.QUEUED.value, in_my_groups),
        Conversation.customer_id.in_(serving),
    )


async def is_serving_customer(session: AsyncSession, agent: AgentPrincipal, customer_id: int) -> bool:
    """True if the agent has an open conversation with this customer assigned to them."""
    return await conversation_repo.has_assigned(session, agent.user_id, customer_id)


async def can_view(session: AsyncSession, principal: Principal, scope: ConversationScope) -> bool:
    """True if ``principal`` may read the conversation (the whole rule)."""
    if may_view_directly(principal, scope):
        return True
    if isinstance(principal, CustomerPrincipal):
        return False
    return await is_serving_customer(session, principal, scope.customer_id)


async def load_visible(
    session: AsyncSession, principal: Principal, conversation_id: int, *, lock: bool = False
) -> Conversation:
    """The conversation if ``principal`` may read it; otherwise NotFound. ``lock`` row-locks it."""
    if lock:
        conversation = await conversation_repo.get_for_update(session, conversation_id)
    else:
        conversation = await conversation_repo.get(session, conversation_id)
    if conversation is None or not await can_view(session, principal, scope_of(conversation)):
        raise NotFound("conversation not found", code="conversation_not_found")
    return conversation


async def may_see_customer(session: AsyncSession, agent: AgentPrincipal, customer_id: int) -> bool:
    """Whether an agent may see (and so name) a customer: they may see one of the customer's
    conversations, by the same rule as above (supervisors and admins: every customer)."""
    if agent.sees_everything:
        return True
    return await customer_repo.has_visible_conversation(session, customer_id, visible_clause(agent))


def may_pick(agent: AgentPrincipal, scope: ConversationScope) -> bool:
    """Whether an agent may take a waiting conversation by hand (the bot's or the queue's) of their
    groups or of none; supervisors and admins may take any waiting one."""
    if scope.status not in WAITING_STATUSES:
        return False
    return agent.sees_everything or scope.skill_group_id is None or scope.skill_group_id in agent.group_ids


def may_manage(agent: AgentPrincipal, scope: ConversationScope) -> bool:
    """Whether an agent may close or transfer the conversation: its assignee, or a supervisor/admin."""
    return agent.sees_everything or (scope.assignee_id is not None and scope.assignee_id == agent.user_id)


def require_agent(principal: Principal) -> AgentPrincipal:
    """The principal as a console user, or PermissionDenied for customers."""
    if not isinstance(principal, AgentPrincipal):
        raise PermissionDenied("only agents may do this")
    return principal


@dataclass(frozen=True, slots=True)
class Audience:
    """Where the hub finds everyone :func:`may_view_directly` admits for one scope: the customer's
    sockets, these users' sockets, the sockets of agents in these groups (``any_group``: of every
    agent) and every supervisor's and admin's sockets."""

    customer_id: int
    user_ids: tuple[int, ...]
    group_ids: tuple[int, ...]
    any_group: bool


def audience(scope: ConversationScope) -> Audience:
    """The index keys that hold every principal allowed to see ``scope`` directly (and supervisors)."""
    users = (scope.assignee_id,) if scope.assignee_id is not None else ()
    queued = scope.status is Status.QUEUED
    groups = (scope.skill_group_id,) if queued and scope.skill_group_id is not None else ()
    return Audience(scope.customer_id, users, groups, any_group=queued and scope.skill_group_id is None)
