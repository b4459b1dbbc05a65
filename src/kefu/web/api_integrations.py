"""The actions of the company's backend (admins write and test, supervisors read; no secret ever leaves)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field, StrictBool, StrictInt

from kefu.integrations import admin
from kefu.integrations.config import ActionView
from kefu.web.deps import AgentDep, CtxDep
from kefu.web.responses import OkOut
from kefu.web.schemas import Strict

router = APIRouter(prefix="/api/v1/integrations", tags=["integrations"])

LONG = 10_000  # generous limits for the parser; the action checks the real ones and names the field


class ActionOut(BaseModel):
    """An action as admins and supervisors see it: where kefu calls and how, never the secret itself."""

    name: str
    url: str
    description: str
    timeout_ms: int = Field(description="how long one attempt may take")
    max_attempts: int = Field(description="attempts for failures that may pass (timeouts, 5xx, 429)")
    allow_private: bool = Field(description="may call loopback, link-local and private addresses")
    enabled: bool
    secret_set: bool
    secret_last4: str = Field(description="the secret's last four characters, to tell secrets apart")
    updated_at: str
    updated_by: int | None = Field(description="the admin who changed it last")
    updated_by_name: str | None

    @classmethod
    def of(cls, view: ActionView) -> ActionOut:
        """From the domain's view."""
        return cls.model_validate(view.to_dict())


class ActionListOut(BaseModel):
    """Every configured action, by name."""

    actions: list[ActionOut]


class ActionEnvelope(BaseModel):
    """An action after a change."""

    action: ActionOut


class ActionCreateIn(Strict):
    """A new action: ``name``, ``url`` and ``secret`` are required; the rest default to a 5000 ms
    timeout, 3 attempts, enabled, private addresses refused."""

    name: str = Field(max_length=LONG, description="lower-case letters, digits and _, e.g. find_order")
    url: str = Field(max_length=LONG)
    secret: str = Field(max_length=LONG, description="the shared secret, 16–256 characters")
    timeout_ms: StrictInt | None = Field(default=None, description="100–60000")
    max_attempts: StrictInt | None = Field(default=None, description="1–5")
    allow_private: StrictBool | None = None
    enabled: StrictBool | None = None
    description: str | None = Field(default=None, max_length=LONG)


class ActionUpdateIn(Strict):
    """Changes to an action: a field left out stays as it is (leave ``secret`` out to keep it)."""

    url: str | None = Field(default=None, max_length=LONG)
    secret: str | None = Field(default=None, max_length=LONG)
    timeout_ms: StrictInt | None = None
    max_attempts: StrictInt | None = None
    allow_private: StrictBool | None = None
    enabled: StrictBool | None = None
    description: str | None = Field(default=None, max_length=LONG)


class ActionTestIn(Strict):
    """The params to call the action with."""

    params: dict[str, Any] = Field(default_factory=dict)


class OutcomeOut(BaseModel):
    """How a call ended: the backend's answer, or ``unavailable`` with kefu's reason in ``message``."""

    kind: Literal["ok", "not_found", "refused", "unavailable"]
    data: dict[str, Any]
    message: str | None
    attempts: int
    elapsed_ms: float
    backend_ms: float = Field(description="of elapsed_ms, the time spent waiting on the backend")


class ActionTestOut(BaseModel):
    """The outcome of a test call."""

    outcome: OutcomeOut


@router.get("/actions")
async def list_actions(agent: AgentDep, ctx: CtxDep) -> ActionListOut:
    """Every action (admins and supervisors)."""
    return ActionListOut(actions=[ActionOut.of(view) for view in await admin.list_actions(ctx, agent)])


@router.post("/actions")
async def create_action(body: ActionCreateIn, agent: AgentDep, ctx: CtxDep) -> ActionEnvelope:
    """Add an action (admins); the URL must resolve to a public address unless ``allow_private``."""
    values = body.model_dump(exclude={"name"}, exclude_none=True)
    return ActionEnvelope(action=ActionOut.of(await admin.create_action(ctx, agent, body.name, values)))


@router.put("/actions/{name}")
async def update_action(name: str, body: ActionUpdateIn, agent: AgentDep, ctx: CtxDep) -> ActionEnvelope:
    """Change an action (admins)."""
    changes = {field: getattr(body, field) for field in body.model_fields_set}
    return ActionEnvelope(action=ActionOut.of(await admin.update_action(ctx, agent, name, changes)))


@router.delete("/actions/{name}")
async def delete_action(name: str, agent: AgentDep, ctx: CtxDep) -> OkOut:
    """Remove an action (admins)."""
    await admin.delete_action(ctx, agent, name)
    return OkOut(ok=True)


@router.post("/actions/{name}/test")
async def test_action(name: str, body: ActionTestIn, agent: AgentDep, ctx: CtxDep) -> ActionTestOut:
    """Call the action once with ``params`` and show the outcome (admins; works on a disabled action)."""
    outcome = await admin.try_action(ctx, agent, name, body.params)
    return ActionTestOut(outcome=OutcomeOut.model_validate(outcome.to_dict()))
