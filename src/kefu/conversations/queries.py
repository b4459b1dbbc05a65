"""Read side: histories with paging, conversation lists per role, a customer's earlier conversations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kefu.context import Context
from kefu.conversations.status import Status
from kefu.conversations.views import ConversationView, MessageView
from kefu.errors import InvalidInput
from kefu.security.access import is_serving_customer, load_visible, require_agent, visible_clause
from kefu.security.principals import AgentPrincipal, CustomerPrincipal, Principal
from kefu.storage.repositories import conversations as conversation_repo
from kefu.storage.repositories import messages as message_repo
from kefu.storage.repositories.conversations import ConversationFilter

MAX_PAGE = 200
AGENT_VIEWS = ("waiting", "mine", "closed", "all")


@dataclass(frozen=True, slots=True)
class ListedView:
    """A conversation in a list, with its unread count and last message."""

    conversation: ConversationView
    unread: int
    preview: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {**self.conversation.to_dict(), "unread": self.unread, "preview": self.preview}


def check_limit(limit: int) -> int:
    """Page sizes are 1..200."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}", code="bad_limit")
    return limit


async def get_conversation(ctx: Context, principal: Principal, conversation_id: int) -> ConversationView:
    """One conversation the caller may see."""
    async with ctx.uow() as uow:
        return ConversationView.of(await load_visible(uow.session, principal, conversation_id))


async def history(
    ctx: Context,
    principal: Principal,
    conversation_id: int,
    *,
    after_seq: int | None = None,
    before_seq: int | None = None,
    limit: int = 50,
) -> list[MessageView]:
    """Messages in order: those after ``after_seq`` (catch-up), or the page before ``before_seq``
    (scrolling back). With neither, the latest ``limit`` messages.
    """
    check_limit(limit)
    if after_seq is not None and before_seq is not None:
        raise InvalidInput("give after_seq or before_seq, not both", code="bad_paging")
    async with ctx.uow() as uow:
        conversation = await load_visible(uow.session, principal, conversation_id)
        if after_seq is not None:
            rows = await message_repo.list_after(uow.session, conversation_id, after_seq, limit)
        else:
            upper = before_seq if before_seq is not None else conversation.last_seq + 1
            rows = await message_repo.list_before(uow.session, conversation_id, upper, limit)
        return [MessageView.of(row) for row in rows]


async def list_for(ctx: Context, principal: Principal, view: str = "mine", limit: int = 100) -> list[ListedView]:
    """The caller's conversation list.

    Customers get their own conversations. Agents choose a view: ``waiting`` (queued in their groups),
    ``mine`` (open and assigned to them), ``closed`` (closed by/with them), ``all`` (supervisors only
    see everyone's; agents see what they may).
    """
    check_limit(limit)
    if isinstance(principal, CustomerPrincipal):
        where = ConversationFilter(visible=visible_clause(principal))
    else:
        where = _agent_filter(principal, view)
    async with ctx.uow() as uow:
        rows = await conversation_repo.list_conversations(uow.session, where, limit=limit)
        return [ListedView(ConversationView.of(r.conversation), r.unread, r.preview) for r in rows]


def _agent_filter(agent: AgentPrincipal, view: str) -> ConversationFilter:
    if view not in AGENT_VIEWS:
        raise InvalidInput(f"view must be one of {', '.join(AGENT_VIEWS)}", code="bad_view")
    visible = visible_clause(agent)
    if view == "waiting":
        return ConversationFilter(statuses=(Status.QUEUED.value,), visible=visible)
    if view == "mine":
        return ConversationFilter(statuses=(Status.ASSIGNED.value,), assignee_id=agent.user_id)
    if view == "closed":
        assignee = None if agent.sees_everything else agent.user_id
        return ConversationFilter(statuses=(Status.CLOSED.value,), assignee_id=assignee)
    return ConversationFilter(visible=visible)


async def customer_conversations(ctx: Context, principal: Principal, customer_id: int) -> list[ListedView]:
    """A customer's conversations on every channel, for the agent serving them (or a supervisor)."""
    agent = require_agent(principal)
    async with ctx.uow() as uow:
        if not agent.sees_everything and not await is_serving_customer(uow.session, agent, customer_id):
            return []
        where = ConversationFilter(customer_id=customer_id)
        rows = await conversation_repo.list_conversations(uow.session, where, limit=50)
        return [ListedView(ConversationView.of(r.conversation), r.unread, r.preview) for r in rows]
