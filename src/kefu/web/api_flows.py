"""Guided flows: versions (upload, check, publish, retire), the console's test run, and the flows a
conversation ran (with the hand-over summary agents see)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from kefu.bot.service import BotService
from kefu.errors import InvalidInput
from kefu.flows import simulate, versions
from kefu.flows.runtime import FlowRuntime, SideAnswer
from kefu.flows.state import Said
from kefu.web.deps import AgentDep, CtxDep
from kefu.web.schemas import Strict

router = APIRouter(prefix="/api/v1", tags=["flows"])
MAX_SOURCE = 200_000


class StepOut(BaseModel):
    """One step of a flow's outline."""

    id: str
    kind: str
    detail: str
    say: str
    goes: dict[str, str]


class FlowVersionOut(BaseModel):
    """A version of a flow: its source and outline; ``status`` is draft, published or retired."""

    id: int
    key: str
    version: int
    name: str
    status: str
    source: str
    created_at: str
    published_at: str | None
    outline: list[StepOut]
    created_by_name: str | None = None


class FlowVersionsOut(BaseModel):
    """Versions, newest first."""

    versions: list[FlowVersionOut]


class FlowVersionEnvelope(BaseModel):
    """One version."""

    version: FlowVersionOut


class FlowSourceIn(Strict):
    """A flow file's text (YAML or JSON)."""

    source: str = Field(max_length=MAX_SOURCE)


class ProblemOut(BaseModel):
    """A problem in a flow file, with the line and field it is about."""

    line: int | None
    field: str
    message: str


class FlowCheckOut(BaseModel):
    """Whether a flow file is valid, its problems, and its outline when valid."""

    ok: bool
    key: str | None = None
    problems: list[ProblemOut] = []
    outline: list[StepOut] = []


class SimulateIn(Strict):
    """One turn of a test run: no ``state`` starts the flow (``text``: what the customer said first)."""

    source: str = Field(max_length=MAX_SOURCE)
    text: str = Field(default="", max_length=2000)
    state: str | None = Field(default=None, max_length=100_000)
    run_id: int | None = Field(default=None, lt=0)
    locale: str = Field(default="zh-CN", max_length=16)


class SaidOut(BaseModel):
    """A message the flow sent."""

    text: str
    meta: dict[str, Any]


class SimulateOut(BaseModel):
    """The flow's turn; send ``state`` and ``run_id`` back with the next answer."""

    run_id: int
    said: list[SaidOut]
    state: str | None
    ended: str | None
    reason: str | None
    summary: dict[str, Any] | None
    switch_to: str | None
    backend_ms: float


class FlowRunOut(BaseModel):
    """A flow that ran in a conversation; ``summary`` (collected values masked) once it ended."""

    id: int
    flow_key: str
    status: str
    step: str
    end_reason: str | None
    started_at: str
    ended_at: str | None
    summary: dict[str, Any] | None


class FlowRunsOut(BaseModel):
    """The flows run in a conversation, newest first."""

    runs: list[FlowRunOut]


def _runtime(request: Request) -> FlowRuntime:
    runtime: FlowRuntime = request.app.state.flows
    return runtime


@router.get("/flows", response_model=FlowVersionsOut)
async def list_flows(agent: AgentDep, ctx: CtxDep, key: str | None = None) -> dict[str, Any]:
    """Every version of every flow (or of ``key``), newest first (staff)."""
    return {"versions": [asdict(v) for v in await versions.list_versions(ctx, agent, key)]}


@router.post("/flows/check", response_model=FlowCheckOut)
async def check_flow(body: FlowSourceIn, agent: AgentDep) -> dict[str, Any]:
    """Check a flow file without storing it: its problems (line and field), or its outline."""
    versions.check_staff(agent, write=False)
    try:
        flow = versions.check_source(body.source)
    except InvalidInput as exc:
        return {"ok": False, "problems": exc.details or []}
    return {"ok": True, "key": flow.key, "outline": versions.outline(flow, agent.locale)}


@router.post("/flows/versions", response_model=FlowVersionEnvelope, status_code=201)
async def save_flow(body: FlowSourceIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Store a flow file as a new draft version (admins); a file with errors is refused with them."""
    return {"version": asdict(await versions.save(ctx, agent, body.source))}


@router.get("/flows/versions/{version_id}", response_model=FlowVersionEnvelope)
async def get_flow(version_id: int, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """One version (staff)."""
    return {"version": asdict(await versions.get(ctx, agent, version_id))}


@router.post("/flows/versions/{version_id}/publish", response_model=FlowVersionEnvelope)
async def publish_flow(version_id: int, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Publish a version: new runs start on it, running ones finish on theirs (admins)."""
    return {"version": asdict(await versions.publish(ctx, agent, version_id))}


@router.delete("/flows/{key}/published", status_code=204)
async def retire_flow(key: str, agent: AgentDep, ctx: CtxDep) -> None:
    """Stop offering a flow (admins); conversations in it finish."""
    await versions.retire(ctx, agent, key)


@router.post("/flows/simulate", response_model=SimulateOut)
async def simulate_flow(body: SimulateIn, agent: AgentDep, request: Request) -> dict[str, Any]:
    """One turn of a test run against the configured company system (admins), before publishing."""
    bot: BotService | None = request.app.state.bot
    side: SideAnswer = bot.side_answer(body.locale) if bot is not None else _no_side
    result = await simulate.turn(
        _runtime(request),
        agent,
        body.source,
        text=body.text,
        state=body.state,
        run_id=body.run_id,
        locale=request.app.state.ctx.texts.locale_for(body.locale),
        side=side,
    )
    return asdict(result)


async def _no_side(_text: str) -> list[Said] | None:
    return None


@router.get("/conversations/{conversation_id}/flows", response_model=FlowRunsOut)
async def conversation_flows(conversation_id: int, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """The flows run in a conversation the caller may see, with hand-over summaries (masked)."""
    return {"runs": [asdict(r) for r in await versions.runs_of(ctx, agent, conversation_id)]}
