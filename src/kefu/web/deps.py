"""Request dependencies: the context, who is calling, and CSRF protection for cookie sessions."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from kefu.channels.web import resolve_visitor
from kefu.context import Context
from kefu.errors import NotAuthenticated, PermissionDenied
from kefu.security.auth import resolve_session
from kefu.security.principals import AgentPrincipal, Principal

SESSION_COOKIE = "kefu_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_context(request: Request) -> Context:
    """The node's context, set up by the app's lifespan."""
    ctx: Context = request.app.state.ctx
    return ctx


CtxDep = Annotated[Context, Depends(get_context)]


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if present."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def current_principal(request: Request, ctx: CtxDep) -> Principal:
    """A customer (Bearer visitor token) or a signed-in user (session cookie, CSRF-checked on writes)."""
    token = bearer_token(request)
    if token is not None:
        return await resolve_visitor(ctx, token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise NotAuthenticated("sign in or present a visitor token")
    agent = await resolve_session(ctx, cookie)
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not hmac.compare_digest(sent, agent.csrf_token):
            raise PermissionDenied("missing or wrong CSRF token", code="csrf_failed")
    return agent


async def current_agent(principal: Annotated[Principal, Depends(current_principal)]) -> AgentPrincipal:
    """The caller, who must be a signed-in user."""
    if not isinstance(principal, AgentPrincipal):
        raise PermissionDenied("only agents may do this")
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]
AgentDep = Annotated[AgentPrincipal, Depends(current_agent)]
