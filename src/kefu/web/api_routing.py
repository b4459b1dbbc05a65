"""Routing routes: presence, queues, queue status for customers, transfer, leave-a-message, supervisor view."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from kefu.routing import assignment, groups, leave, presence, supervisor, transfer
from kefu.routing import queue as queue_mod
from kefu.security.access import load_visible
from kefu.web.deps import AgentDep, CtxDep, PrincipalDep
from kefu.web.responses import (
    AgentListOut,
    ConversationEnvelope,
    GroupEnvelope,
    GroupListOut,
    LeaveMessageEnvelope,
    LeaveMessageListOut,
    MaybeConversationEnvelope,
    OverviewOut,
    PresenceEnvelope,
    QueueListOut,
    QueueStatusEnvelope,
    TransferListOut,
)
from kefu.web.schemas import Strict

router = APIRouter(prefix="/api/v1/routing", tags=["routing"])


class PresenceIn(Strict):
    """Set presence (and, for supervisors, capacity). ``user_id`` defaults to the caller."""

    status: Literal["online", "away", "offline"] | None = None
    capacity: int | None = Field(default=None, ge=1, le=100)
    reset_capacity: bool = False
    user_id: int | None = None


class TransferIn(Strict):
    """Transfer to an agent or to a group, with a note for the receiver."""

    agent_id: int | None = None
    group_id: int | None = None
    note: str = Field(default="", max_length=1000)


class ReassignIn(Strict):
    """A supervisor gives the conversation to this agent."""

    agent_id: int


class LeaveIn(Strict):
    """A customer leaves a message with contact details (optionally for their waiting conversation)."""

    text: str = Field(max_length=5000)
    contact: str = Field(max_length=1000)
    name: str = Field(default="", max_length=1000)
    conversation_id: int | None = None


class AssignLeaveIn(Strict):
    """Who should answer the message (default: the caller)."""

    agent_id: int | None = None


class AnswerIn(Strict):
    """The answer to a left message."""

    text: str = Field(max_length=5000)


class GroupIn(Strict):
    """Routing settings of a skill group; omitted fields stay as they are."""

    strategy: Literal["least_busy", "round_robin", "last_agent"] | None = None
    default_capacity: int | None = None
    is_money: bool | None = None
    hours: dict[str, Any] | None = None
    always_open: bool | None = None
    off_hours_text: str | None = None
    sla_seconds: int | None = None
    queue_timeout_seconds: int | None = None
    idle_close_seconds: int | None = None
    last_agent_days: int | None = None


@router.get("/presence", response_model=PresenceEnvelope)
async def get_presence(agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """The caller's presence, capacity and load."""
    return {"presence": (await presence.get(ctx, agent.user_id)).to_dict()}


@router.put("/presence", response_model=PresenceEnvelope)
async def put_presence(body: PresenceIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Go online / away / offline; supervisors may also set anyone's status and capacity."""
    view = await presence.get(ctx, body.user_id or agent.user_id)
    if body.capacity is not None or body.reset_capacity:
        view = await presence.set_capacity(ctx, agent, body.capacity, user_id=body.user_id)
    if body.status is not None:
        view = await presence.set_status(ctx, agent, body.status, user_id=body.user_id)
    return {"presence": view.to_dict()}


@router.get("/agents", response_model=AgentListOut)
async def list_agents(agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Agents with presence, load and groups (``available``: online with room), e.g. for a transfer dialog."""
    return {"agents": await supervisor.agents(ctx, agent)}


@router.get("/queues", response_model=QueueListOut)
async def get_queues(agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Waiting conversations of the caller's groups (supervisors: all), by priority then waiting time."""
    return {"queues": await supervisor.queues(ctx, agent)}


@router.post("/queues/next", response_model=MaybeConversationEnvelope)
async def take_next(agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Take the first conversation waiting for the caller (``conversation`` is null if none waits)."""
    view = await assignment.take_next(ctx, agent)
    return {"conversation": view.to_dict() if view is not None else None}


@router.get("/conversations/{conversation_id}/queue", response_model=QueueStatusEnvelope)
async def queue_status(conversation_id: int, principal: PrincipalDep, ctx: CtxDep) -> dict[str, Any]:
    """Where the conversation stands: position, estimated wait and the text to show the customer."""
    async with ctx.uow() as uow:
        row = await load_visible(uow.session, principal, conversation_id)
        status = await queue_mod.status_for(uow.session, row, ctx.clock.now())
    return {"queue": status.to_dict()}


@router.post("/conversations/{conversation_id}/keep-waiting", response_model=QueueStatusEnvelope)
async def keep_waiting(conversation_id: int, principal: PrincipalDep, ctx: CtxDep) -> dict[str, Any]:
    """The customer chose to keep waiting after a queue timeout: the timeout starts again."""
    status = await assignment.keep_waiting(ctx, principal, conversation_id)
    return {"queue": status.to_dict()}


@router.post("/conversations/{conversation_id}/transfer", response_model=ConversationEnvelope)
async def transfer_conversation(conversation_id: int, body: TransferIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Transfer to another agent or group with a note (the assignee, or a supervisor)."""
    view = await transfer.transfer(
        ctx, agent, conversation_id, to_user_id=body.agent_id, to_group_id=body.group_id, note=body.note
    )
    return {"conversation": view.to_dict()}


@router.post("/conversations/{conversation_id}/reassign", response_model=ConversationEnvelope)
async def reassign(conversation_id: int, body: ReassignIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """A supervisor gives the conversation to an agent (capacity may be exceeded)."""
    supervisor.require_supervisor(agent)
    view = await transfer.transfer(ctx, agent, conversation_id, to_user_id=body.agent_id, note="主管改派")
    return {"conversation": view.to_dict()}


@router.get("/conversations/{conversation_id}/transfers", response_model=TransferListOut)
async def transfers(conversation_id: int, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """The conversation's transfers with their notes."""
    rows = await transfer.history(ctx, agent, conversation_id)
    return {"transfers": [row.to_dict() for row in rows]}


@router.get("/overview", response_model=OverviewOut)
async def overview(agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """The supervisor view: groups, queues with waiting times, agents with presence and load."""
    return await supervisor.overview(ctx, agent)


@router.get("/groups", response_model=GroupListOut)
async def list_groups(agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Skill groups with their routing settings."""
    return {"groups": await groups.list_groups(ctx)}


@router.patch("/groups/{group_id}", response_model=GroupEnvelope)
async def configure_group(group_id: int, body: GroupIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Change a group's strategy, capacity, business hours, texts, SLA and timeouts (supervisors)."""
    supervisor.require_supervisor(agent)
    changes = groups.GroupSettings(**body.model_dump())
    return {"group": await groups.configure(ctx, group_id, changes)}


@router.post("/leave-messages", response_model=LeaveMessageEnvelope)
async def leave_message(body: LeaveIn, principal: PrincipalDep, ctx: CtxDep) -> dict[str, Any]:
    """A customer leaves a message with contact details (ends their waiting conversation, if given)."""
    customer = leave.require_customer(principal)
    view = await leave.leave(
        ctx, customer, text=body.text, contact=body.contact, name=body.name, conversation_id=body.conversation_id
    )
    return {"leave_message": view.to_dict()}


@router.get("/leave-messages", response_model=LeaveMessageListOut)
async def list_leave_messages(
    principal: PrincipalDep,
    ctx: CtxDep,
    status: Annotated[str | None, Query(description="open | assigned | answered")] = None,
) -> dict[str, Any]:
    """Agents: messages of their groups and their own (supervisors: all). Customers: their own, answered or not."""
    rows = await leave.list_for(ctx, principal, status)
    return {"leave_messages": [row.to_dict() for row in rows]}


@router.post("/leave-messages/{message_id}/assign", response_model=LeaveMessageEnvelope)
async def assign_leave_message(message_id: int, body: AssignLeaveIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Take a message (or, supervisors, give it to an agent)."""
    view = await leave.assign(ctx, agent, message_id, body.agent_id)
    return {"leave_message": view.to_dict()}


@router.post("/leave-messages/{message_id}/answer", response_model=LeaveMessageEnvelope)
async def answer_leave_message(message_id: int, body: AnswerIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Answer a message by the customer's channel (now if they have an open conversation, else when they return)."""
    view = await leave.answer(ctx, agent, message_id, body.text)
    return {"leave_message": view.to_dict()}
