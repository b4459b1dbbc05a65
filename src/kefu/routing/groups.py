"""Skill groups."""

from __future__ import annotations

from kefu.context import Context
from kefu.errors import InvalidInput
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
