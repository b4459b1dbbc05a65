"""The access policy: who may read and act on which conversation.

- A customer reads only their own conversations.
- Admins and supervisors read every conversation.
- An agent reads conversations assigned to them, conversations waiting in one of their skill groups
  (or in no group), and the earlier conversations of a customer they are serving right now.
Denials look like "not found" so ids of other people's conversations reveal nothing.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from kefu.errors import NotFound, PermissionDenied
from kefu.security.principals import AgentPrincipal, CustomerPrincipal, Principal
from kefu.storage.repositories import conversations as conversation_repo
from kefu.storage.tables import Conversation


def _agent_sees_directly(agent: AgentPrincipal, conversation: Conversation) -> bool:
    if agent.sees_everything or conversation.assignee_id == agent.user_id:
        return True
    if conversation.status == "queued":
        return conversation.skill_group_id is None or conversation.skill_group_id in agent.group_ids
    return False


async def is_serving_customer(session: AsyncSession, agent: AgentPrincipal, customer_id: int) -> bool:
    """True if the agent has an open conversation with this customer assigned to them."""
    where = conversation_repo.ConversationFilter(
        statuses=("assigned",), assignee_id=agent.user_id, customer_id=customer_id
    )
    return bool(await conversation_repo.list_conversations(session, where, limit=1))


async def can_view(session: AsyncSession, principal: Principal, conversation: Conversation) -> bool:
    """True if ``principal`` may read ``conversation``."""
    if isinstance(principal, CustomerPrincipal):
        return conversation.customer_id == principal.customer_id
    if _agent_sees_directly(principal, conversation):
        return True
    return await is_serving_customer(session, principal, conversation.customer_id)


async def load_visible(
    session: AsyncSession, principal: Principal, conversation_id: int, *, lock: bool = False
) -> Conversation:
    """The conversation if ``principal`` may read it; otherwise NotFound. ``lock`` row-locks it."""
    if lock:
        conversation = await conversation_repo.get_for_update(session, conversation_id)
    else:
        conversation = await conversation_repo.get(session, conversation_id)
    if conversation is None or not await can_view(session, principal, conversation):
        raise NotFound("conversation not found", code="conversation_not_found")
    return conversation


class Routed(Protocol):
    """What scope checks need of a conversation (a stored row or an event's summary)."""

    @property
    def assignee_id(self) -> int | None: ...

    @property
    def skill_group_id(self) -> int | None: ...


def in_agent_scope(agent: AgentPrincipal, conversation: Routed) -> bool:
    """True if the conversation is the agent's, or belongs to their groups (or to none).

    The same rule decides which conversations an agent's WebSocket follows (``web/hub.py``).
    """
    if agent.sees_everything or conversation.assignee_id == agent.user_id:
        return True
    return conversation.skill_group_id is None or conversation.skill_group_id in agent.group_ids


def require_agent(principal: Principal) -> AgentPrincipal:
    """The principal as a console user, or PermissionDenied for customers."""
    if not isinstance(principal, AgentPrincipal):
        raise PermissionDenied("only agents may do this")
    return principal
