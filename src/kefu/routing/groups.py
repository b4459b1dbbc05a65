"""Skill groups and their routing settings (strategy, capacity, hours, SLA and timeouts)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kefu.context import Context
from kefu.errors import InvalidInput, NotFound
from kefu.events import TextsChanged
from kefu.routing import hours
from kefu.routing.assignment import STRATEGIES
from kefu.storage.repositories import users as user_repo
from kefu.storage.tables import SkillGroup


async def ensure_group(ctx: Context, name: str, description: str = "") -> int:
    """The id of the skill group called ``name``, created if missing."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("group name must be 1–100 characters")
    async with ctx.uow() as uow:
        group = await user_repo.get_group_by_name(uow.session, name)
        if group is None:
            group = SkillGroup(name=name, description=description, created_at=ctx.clock.now())
            uow.session.add(group)
            await uow.session.flush()
            await uow.commit()
        return group.id


@dataclass(frozen=True, slots=True)
class GroupSettings:
    """A skill group's routing settings (all optional in an update: ``None`` leaves a field alone)."""

    strategy: str | None = None
    default_capacity: int | None = None
    is_money: bool | None = None
    hours: dict[str, Any] | None = None
    always_open: bool | None = None
    off_hours_text: str | None = None
    sla_seconds: int | None = None
    queue_timeout_seconds: int | None = None
    idle_close_seconds: int | None = None
    last_agent_days: int | None = None


def group_dict(group: SkillGroup) -> dict[str, Any]:
    """A group with its routing settings, JSON-ready."""
    return {
        "id": group.id,
        "name": group.name,
        "description": group.description,
        "strategy": group.strategy,
        "default_capacity": group.default_capacity,
        "is_money": group.is_money,
        "hours": json.loads(group.hours) if group.hours else None,
        "off_hours_text": group.off_hours_text,
        "sla_seconds": group.sla_seconds,
        "queue_timeout_seconds": group.queue_timeout_seconds,
        "idle_close_seconds": group.idle_close_seconds,
        "last_agent_days": group.last_agent_days,
    }


def _positive(name: str, value: int | None, upper: int) -> None:
    if value is not None and not 1 <= value <= upper:
        raise InvalidInput(f"{name} must be between 1 and {upper}", code="bad_group_setting")


async def configure(ctx: Context, group_id: int, changes: GroupSettings) -> dict[str, Any]:
    """Change a group's routing settings (callers check that the user may: supervisors and admins)."""
    if changes.strategy is not None and changes.strategy not in STRATEGIES:
        raise InvalidInput(f"strategy must be one of {', '.join(STRATEGIES)}", code="bad_group_setting")
    _positive("default_capacity", changes.default_capacity, 100)
    for name in ("sla_seconds", "queue_timeout_seconds", "idle_close_seconds"):
        _positive(name, getattr(changes, name), 7 * 86400)
    _positive("last_agent_days", changes.last_agent_days, 365)
    if changes.off_hours_text is not None and len(changes.off_hours_text) > 1000:
        raise InvalidInput("off_hours_text is longer than 1000 characters", code="bad_group_setting")
    stored_hours = hours.dump(changes.hours) if changes.hours is not None else None
    async with ctx.uow() as uow:
        group = await uow.session.get(SkillGroup, group_id)
        if group is None:
            raise NotFound("skill group not found", code="group_not_found")
        for name in (
            "strategy",
            "default_capacity",
            "is_money",
            "off_hours_text",
            "sla_seconds",
            "queue_timeout_seconds",
            "idle_close_seconds",
            "last_agent_days",
        ):
            value = getattr(changes, name)
            if value is not None:
                setattr(group, name, value)
        if changes.always_open:
            group.hours = None
        elif stored_hours is not None:
            group.hours = stored_hours
        if changes.always_open or stored_hours is not None:  # greetings may say {hours}: text books reload
            uow.emit(TextsChanged("group.hours", "*", overridden=True))
        await uow.commit()
        return group_dict(group)


async def list_groups(ctx: Context) -> list[dict[str, Any]]:
    """Every group with its settings."""
    async with ctx.uow() as uow:
        return [group_dict(g) for g in await user_repo.list_groups(uow.session)]
