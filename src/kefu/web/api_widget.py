"""The widget's branding as organisation settings (admins write, supervisors read) and its public logo."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kefu.branding import settings as branding
from kefu.branding.settings import Branding
from kefu.errors import TooLarge
from kefu.web.deps import AgentDep, CtxDep
from kefu.web.responses import file_response
from kefu.web.schemas import Strict

router = APIRouter(prefix="/api/v1/widget", tags=["widget"])


class BrandingOut(BaseModel):
    """The branding in force; ``null`` fields show the widget's built-in wording or colour."""

    name: str | None
    reply_time: str | None
    colour: str | None = Field(description="#RRGGBB")
    logo_url: str | None


class BrandingEnvelope(BaseModel):
    """The widget's branding, with the limits the console shows."""

    branding: BrandingOut
    max_logo_bytes: int


class BrandingIn(Strict):
    """Changes: a field left out stays; ``""`` or ``null`` returns it to the default."""

    name: str | None = Field(default=None, max_length=200)
    reply_time: str | None = Field(default=None, max_length=400)
    colour: str | None = Field(default=None, max_length=20)


def _envelope(view: Branding) -> BrandingEnvelope:
    return BrandingEnvelope(branding=BrandingOut.model_validate(view.to_dict()), max_logo_bytes=branding.MAX_LOGO_BYTES)


@router.get("/settings", response_model=BrandingEnvelope)
async def get_branding(agent: AgentDep, ctx: CtxDep) -> BrandingEnvelope:
    """The widget's branding (admins and supervisors)."""
    return _envelope(await branding.read(ctx, agent))


@router.put("/settings", response_model=BrandingEnvelope)
async def put_branding(body: BrandingIn, agent: AgentDep, ctx: CtxDep) -> BrandingEnvelope:
    """Change the widget's name, reply-time line and colour (admins); the widget shows them on its next load."""
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    return _envelope(await branding.update(ctx, agent, changes))


@router.post("/logo", response_model=BrandingEnvelope)
async def upload_logo(agent: AgentDep, ctx: CtxDep, file: Annotated[UploadFile, File()]) -> BrandingEnvelope:
    """Replace the logo (admins): a PNG, JPEG, GIF or WebP image of at most 256 KB, checked by its bytes."""
    data = await file.read(branding.MAX_LOGO_BYTES + 1)
    if len(data) > branding.MAX_LOGO_BYTES:
        raise TooLarge("the logo is larger than 256 KB", code="logo_too_large")
    return _envelope(await branding.set_logo(ctx, agent, data))


@router.delete("/logo", response_model=BrandingEnvelope)
async def delete_logo(agent: AgentDep, ctx: CtxDep) -> BrandingEnvelope:
    """Remove the logo (admins): the widget shows its built-in icon again."""
    return _envelope(await branding.set_logo(ctx, agent, None))


@router.get("/logo", response_class=Response, responses=file_response(*branding.LOGO_TYPES))
async def get_logo(ctx: CtxDep) -> Response:
    """The logo's bytes (public: every visitor's widget shows it)."""
    data, kind = await branding.logo(ctx)
    return Response(
        data,
        media_type=kind,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "public, max-age=86400",
            "Content-Security-Policy": "default-src 'none'",
        },
    )
