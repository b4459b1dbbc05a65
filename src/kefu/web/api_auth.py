"""Console sign-in and sign-out (session cookie + CSRF token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from kefu.security import auth
from kefu.security.principals import AgentPrincipal
from kefu.web.deps import SESSION_COOKIE, AgentDep, CtxDep
from kefu.web.responses import OkOut, UserEnvelope
from kefu.web.schemas import LoginIn

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


def agent_dict(agent: AgentPrincipal) -> dict[str, Any]:
    """What the console knows about the signed-in user."""
    return {
        "id": agent.user_id,
        "username": agent.username,
        "display_name": agent.display_name,
        "role": agent.role,
        "group_ids": sorted(agent.group_ids),
        "locale": agent.locale,
        "csrf_token": agent.csrf_token,
    }


@router.post("/login", response_model=UserEnvelope)
async def login(body: LoginIn, response: Response, ctx: CtxDep) -> dict[str, Any]:
    """Sign in; sets an HttpOnly session cookie and returns the CSRF token for later writes."""
    signed_in = await auth.sign_in(ctx, body.username, body.password)
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.token,
        max_age=ctx.settings.session_days * 86400,
        httponly=True,
        secure=ctx.settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    return {"user": agent_dict(signed_in.principal)}


@router.post("/logout", response_model=OkOut)
async def logout(request: Request, response: Response, agent: AgentDep, ctx: CtxDep) -> dict[str, bool]:
    """Sign out (CSRF-protected like every write)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        await auth.sign_out(ctx, cookie)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return {"ok": True}


@router.get("/me", response_model=UserEnvelope)
async def me(agent: AgentDep) -> dict[str, Any]:
    """The signed-in user."""
    return {"user": agent_dict(agent)}
