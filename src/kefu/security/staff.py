"""Managing console users from the console: list, add, change role and groups, reset a password,
deactivate. Admins change; supervisors may look (they see who is in which group).

An admin cannot deactivate or demote themselves (the last door out of a locked installation), a
deactivated user's sessions end at once, and so do all sessions after a password reset.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from kefu.context import Context
from kefu.errors import InvalidInput, NotFound, PermissionDenied
from kefu.security import auth, passwords
from kefu.security.principals import ROLES, AgentPrincipal, Principal
from kefu.storage.repositories import staff as staff_repo
from kefu.storage.repositories import users as user_repo
from kefu.storage.tables import User

MAX_DISPLAY_NAME = 100


@dataclass(frozen=True, slots=True)
class UserChanges:
    """An admin's changes to a user; ``None`` leaves a field as it is."""

    display_name: str | None = None
    role: str | None = None
    group_ids: tuple[int, ...] | None = None
    is_active: bool | None = None


def require_staff_admin(principal: Principal, *, write: bool) -> AgentPrincipal:
    """Admins (and, for reading, supervisors); everyone else is refused."""
    allowed = ("admin",) if write else ("admin", "supervisor")
    if not isinstance(principal, AgentPrincipal) or principal.role not in allowed:
        raise PermissionDenied("only admins may change users" if write else "only supervisors and admins may see users")
    return principal


def user_dict(user: User) -> dict[str, Any]:
    """A user as the users page shows them (never the password hash)."""
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "is_active": user.is_active,
        "group_ids": sorted(group.id for group in user.groups),
        "created_at": user.created_at.isoformat(),
    }


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", code="bad_role")


def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > MAX_DISPLAY_NAME:
        raise InvalidInput(f"display name must be 1–{MAX_DISPLAY_NAME} characters", code="bad_display_name")
    return name


def _check_password(password: str) -> None:
    if len(password) < passwords.MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"password must be at least {passwords.MIN_PASSWORD_LENGTH} characters", code="password_too_short"
        )


async def _check_groups(ctx: Context, group_ids: Collection[int]) -> None:
    async with ctx.uow() as uow:
        found = {group.id for group in await staff_repo.groups_by_id(uow.session, group_ids)}
    if set(group_ids) - found:
        raise InvalidInput("no such skill group", code="unknown_group")


async def list_users(ctx: Context, principal: Principal) -> list[dict[str, Any]]:
    """Every console user (admins and supervisors)."""
    require_staff_admin(principal, write=False)
    async with ctx.uow() as uow:
        return [user_dict(user) for user in await user_repo.list_users(uow.session)]


async def create_user(
    ctx: Context,
    principal: Principal,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str,
    group_ids: Collection[int] = (),
) -> dict[str, Any]:
    """Add an agent, supervisor or admin in these groups (admins)."""
    require_staff_admin(principal, write=True)
    _check_role(role)
    _check_password(password)
    name = _check_name(display_name or username)
    await _check_groups(ctx, group_ids)
    user = await auth.add_user(ctx, username, password, role=role, display_name=name)
    async with ctx.uow() as uow:
        await staff_repo.set_memberships(uow.session, user.id, group_ids)
        await uow.commit()
    return await _reload(ctx, user.id)


async def update_user(ctx: Context, principal: Principal, user_id: int, changes: UserChanges) -> dict[str, Any]:
    """Change a user's name, role, groups or whether they may sign in (admins)."""
    admin = require_staff_admin(principal, write=True)
    if changes.role is not None:
        _check_role(changes.role)
    name = _check_name(changes.display_name) if changes.display_name is not None else None
    if user_id == admin.user_id and (changes.is_active is False or changes.role not in (None, "admin")):
        raise InvalidInput("you cannot deactivate or demote yourself", code="cannot_change_self")
    if changes.group_ids is not None:
        await _check_groups(ctx, changes.group_ids)
    async with ctx.uow() as uow:
        user = await user_repo.get_user(uow.session, user_id)
        if user is None:
            raise NotFound("user not found", code="user_not_found")
        if name is not None:
            user.display_name = name
        if changes.role is not None:
            user.role = changes.role
        if changes.is_active is not None:
            user.is_active = changes.is_active
            if not changes.is_active:
                await staff_repo.sign_out_everywhere(uow.session, user_id)
        if changes.group_ids is not None:
            await staff_repo.set_memberships(uow.session, user_id, changes.group_ids)
        await uow.commit()
    return await _reload(ctx, user_id)


async def reset_password(ctx: Context, principal: Principal, user_id: int, password: str) -> dict[str, Any]:
    """Give a user a new password (admins); their sessions end, so they sign in with it."""
    require_staff_admin(principal, write=True)
    _check_password(password)
    async with ctx.uow() as uow:
        user = await user_repo.get_user(uow.session, user_id)
        if user is None:
            raise NotFound("user not found", code="user_not_found")
        user.password_hash = passwords.hash_password(password)
        await staff_repo.sign_out_everywhere(uow.session, user_id)
        await uow.commit()
    return await _reload(ctx, user_id)


async def _reload(ctx: Context, user_id: int) -> dict[str, Any]:
    async with ctx.uow() as uow:
        user = await user_repo.get_user(uow.session, user_id)
        if user is None:
            raise NotFound("user not found", code="user_not_found")
        await uow.session.refresh(user, ["groups"])
        return user_dict(user)
