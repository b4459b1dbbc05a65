"""Console users and skill groups as the admin pages manage them (admins change, supervisors read).

Routing settings and business hours of a group stay on ``PATCH /api/v1/routing/groups/{id}``.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from kefu.routing import group_admin
from kefu.security import staff
from kefu.web.deps import AgentDep, CtxDep
from kefu.web.responses import GroupEnvelope
from kefu.web.schemas import Strict

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])

Role = Literal["agent", "supervisor", "admin"]


class StaffUserOut(BaseModel):
    """A console user as the users page shows them."""

    id: int
    username: str
    display_name: str
    role: str = Field(description="agent | supervisor | admin")
    is_active: bool
    group_ids: list[int]
    created_at: str


class StaffUserListOut(BaseModel):
    """Every console user."""

    users: list[StaffUserOut]


class StaffUserEnvelope(BaseModel):
    """One console user after a change."""

    user: StaffUserOut


class NewUserIn(Strict):
    """A new console user."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(max_length=1024)
    role: Role = "agent"
    display_name: str = Field(default="", max_length=200)
    group_ids: list[int] = Field(default_factory=list, max_length=100)


class UserChangeIn(Strict):
    """Changes to a user; omitted fields stay as they are."""

    display_name: str | None = Field(default=None, max_length=200)
    role: Role | None = None
    group_ids: list[int] | None = Field(default=None, max_length=100)
    is_active: bool | None = None


class PasswordIn(Strict):
    """A new password for the user (at least 8 characters)."""

    password: str = Field(max_length=1024)


class NewGroupIn(Strict):
    """A new skill group."""

    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)


class GroupNameIn(Strict):
    """A group's new name or description."""

    name: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2000)


@router.get("/users", response_model=StaffUserListOut)
async def list_users(agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Every console user with role, groups and whether they may sign in (supervisors and admins)."""
    return {"users": await staff.list_users(ctx, agent)}


@router.post("/users", response_model=StaffUserEnvelope)
async def create_user(body: NewUserIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Add an agent, supervisor or admin in these groups (admins)."""
    user = await staff.create_user(
        ctx,
        agent,
        username=body.username,
        password=body.password,
        role=body.role,
        display_name=body.display_name,
        group_ids=body.group_ids,
    )
    return {"user": user}


@router.patch("/users/{user_id}", response_model=StaffUserEnvelope)
async def update_user(user_id: int, body: UserChangeIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Change a user's name, role, groups, or deactivate them (admins; their sessions end at once)."""
    changes = staff.UserChanges(
        display_name=body.display_name,
        role=body.role,
        group_ids=tuple(body.group_ids) if body.group_ids is not None else None,
        is_active=body.is_active,
    )
    return {"user": await staff.update_user(ctx, agent, user_id, changes)}


@router.post("/users/{user_id}/password", response_model=StaffUserEnvelope)
async def reset_password(user_id: int, body: PasswordIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Set a new password (admins); the user's sessions end."""
    return {"user": await staff.reset_password(ctx, agent, user_id, body.password)}


@router.post("/groups", response_model=GroupEnvelope)
async def create_group(body: NewGroupIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Create a skill group (admins)."""
    return {"group": await group_admin.create_group(ctx, agent, body.name, body.description)}


@router.patch("/groups/{group_id}", response_model=GroupEnvelope)
async def rename_group(group_id: int, body: GroupNameIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Rename a skill group or change its description (admins)."""
    return {"group": await group_admin.rename_group(ctx, agent, group_id, name=body.name, description=body.description)}
