"""Creating and renaming skill groups from the console (admins); their routing settings and business
hours are changed through :mod:`kefu.routing.groups`."""

from __future__ import annotations

from typing import Any

from kefu.context import Context
from kefu.errors import Conflict, InvalidInput, NotFound
from kefu.routing.groups import group_dict
from kefu.security.principals import Principal
from kefu.security.staff import require_staff_admin
from kefu.storage.repositories import users as user_repo
from kefu.storage.tables import SkillGroup

MAX_NAME = 100
MAX_DESCRIPTION = 1000


def _name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(f"group name must be 1–{MAX_NAME} characters", code="bad_group_name")
    return name


def _description(text: str) -> str:
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput(f"description is longer than {MAX_DESCRIPTION} characters", code="bad_group_setting")
    return text.strip()


async def create_group(ctx: Context, principal: Principal, name: str, description: str = "") -> dict[str, Any]:
    """A new skill group (open 24/7 with the default routing settings until configured)."""
    require_staff_admin(principal, write=True)
    name, description = _name(name), _description(description)
    async with ctx.uow() as uow:
        if await user_repo.get_group_by_name(uow.session, name) is not None:
            raise Conflict(f"a group called {name!r} exists", code="group_exists")
        group = SkillGroup(name=name, description=description, created_at=ctx.clock.now())
        uow.session.add(group)
        await uow.session.flush()
        result = group_dict(group)
        await uow.commit()
    return result


async def rename_group(
    ctx: Context, principal: Principal, group_id: int, *, name: str | None, description: str | None
) -> dict[str, Any]:
    """Rename a group or change its description."""
    require_staff_admin(principal, write=True)
    async with ctx.uow() as uow:
        group = await uow.session.get(SkillGroup, group_id)
        if group is None:
            raise NotFound("skill group not found", code="group_not_found")
        if name is not None:
            name = _name(name)
            other = await user_repo.get_group_by_name(uow.session, name)
            if other is not None and other.id != group_id:
                raise Conflict(f"a group called {name!r} exists", code="group_exists")
            group.name = name
        if description is not None:
            group.description = _description(description)
        await uow.commit()
        return group_dict(group)
