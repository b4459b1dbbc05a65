"""Signing in and out, and resolving sessions and visitor tokens to principals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from kefu.context import Context
from kefu.errors import InvalidInput, NotAuthenticated
from kefu.security import passwords, tokens
from kefu.security.principals import ROLES, AgentPrincipal
from kefu.storage.repositories import users as user_repo
from kefu.storage.tables import AgentSession, User

_DUMMY_HASH = passwords.hash_password("timing-equaliser")


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session: the cookie token (shown once) and the principal it stands for."""

    token: str
    principal: AgentPrincipal


def principal_of(user: User, csrf_token: str = "") -> AgentPrincipal:
    """The principal for a user row."""
    return AgentPrincipal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        group_ids=frozenset(group.id for group in user.groups),
        locale=user.locale,
        csrf_token=csrf_token,
    )


async def sign_in(ctx: Context, username: str, password: str) -> SignedIn:
    """Check a username and password and open a session; the same error for any wrong pair."""
    async with ctx.uow() as uow:
        user = await user_repo.get_user_by_username(uow.session, username)
        if user is None or not user.is_active:
            passwords.verify_password(_DUMMY_HASH, password)
            raise NotAuthenticated("wrong username or password", code="bad_credentials")
        if not passwords.verify_password(user.password_hash, password):
            raise NotAuthenticated("wrong username or password", code="bad_credentials")
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        now = ctx.clock.now()
        token = tokens.new_session_token()
        csrf = tokens.new_csrf_token()
        uow.session.add(
            AgentSession(
                token_hash=tokens.hash_session_token(token),
                csrf_token=csrf,
                user_id=user.id,
                created_at=now,
                expires_at=now + timedelta(days=ctx.settings.session_days),
            )
        )
        await user_repo.delete_expired_sessions(uow.session, now)
        principal = principal_of(user, csrf)
        await uow.commit()
    return SignedIn(token, principal)


async def resolve_session(ctx: Context, token: str) -> AgentPrincipal:
    """The principal behind a session cookie; NotAuthenticated if unknown, expired or disabled."""
    async with ctx.uow() as uow:
        row = await user_repo.get_session_by_token_hash(uow.session, tokens.hash_session_token(token))
        if row is None or row.expires_at <= ctx.clock.now():
            raise NotAuthenticated("please sign in")
        user = await user_repo.get_user(uow.session, row.user_id)
        if user is None or not user.is_active:
            raise NotAuthenticated("please sign in")
        return principal_of(user, row.csrf_token)


async def sign_out(ctx: Context, token: str) -> None:
    """End the session behind a cookie token."""
    async with ctx.uow() as uow:
        await user_repo.delete_session(uow.session, tokens.hash_session_token(token))
        await uow.commit()


async def add_user(
    ctx: Context,
    username: str,
    password: str,
    *,
    role: str = "agent",
    display_name: str = "",
    groups: tuple[str, ...] = (),
) -> User:
    """Create a user (the ``kefu user add`` command and the demo use this)."""
    username = username.strip()
    if not username or len(username) > 64:
        raise InvalidInput("username must be 1–64 characters")
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}")
    if len(password) < passwords.MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"password must be at least {passwords.MIN_PASSWORD_LENGTH} characters")
    async with ctx.uow() as uow:
        if await user_repo.get_user_by_username(uow.session, username) is not None:
            raise InvalidInput(f"user {username!r} already exists", code="user_exists")
        user = User(
            username=username,
            display_name=display_name or username,
            password_hash=passwords.hash_password(password),
            role=role,
            locale=ctx.settings.default_locale,
            created_at=ctx.clock.now(),
        )
        uow.session.add(user)
        await uow.session.flush()
        for name in groups:
            group = await user_repo.get_group_by_name(uow.session, name)
            if group is None:
                raise InvalidInput(f"no skill group named {name!r}", code="unknown_group")
            await user_repo.add_membership(uow.session, user.id, group.id)
        await uow.commit()
        return user
