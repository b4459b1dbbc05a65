"""The organisation's texts: every catalogue text with its override (console users read, admins write)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from kefu.texts import LOCALES, overrides
from kefu.texts.overrides import TextEntry
from kefu.web.deps import AgentDep, CtxDep
from kefu.web.schemas import Strict

router = APIRouter(prefix="/api/v1/texts", tags=["texts"])


class TextOut(BaseModel):
    """One text in one locale: the catalogue's wording (``default``) and the organisation's (``override``)."""

    code: str
    locale: str
    audience: Literal["customer", "agent"]
    params: list[str] = Field(description="The placeholders every wording must use, e.g. ['agent'] for {agent}.")
    default: str
    override: str | None
    updated_at: datetime | None

    @classmethod
    def of(cls, entry: TextEntry) -> TextOut:
        """From the domain's view."""
        return cls.model_validate(entry.to_dict())


class TextListOut(BaseModel):
    """Every text in every supported locale."""

    locales: list[str]
    texts: list[TextOut]


class OneTextOut(BaseModel):
    """A text after a change."""

    text: TextOut


class TextIn(Strict):
    """The organisation's wording; its ``{placeholders}`` must be exactly the text's ``params``."""

    text: str = Field(max_length=10_000)


@router.get("")
async def list_texts(agent: AgentDep, ctx: CtxDep) -> TextListOut:
    """Every text with its default and override (any signed-in user)."""
    entries = await overrides.list_texts(ctx, agent)
    return TextListOut(locales=list(LOCALES), texts=[TextOut.of(e) for e in entries])


@router.put("/{code}/{locale}")
async def set_text(code: str, locale: str, body: TextIn, agent: AgentDep, ctx: CtxDep) -> OneTextOut:
    """Override a text in one locale (admins)."""
    return OneTextOut(text=TextOut.of(await overrides.set_override(ctx, agent, code, locale, body.text)))


@router.delete("/{code}/{locale}")
async def reset_text(code: str, locale: str, agent: AgentDep, ctx: CtxDep) -> OneTextOut:
    """Back to the catalogue's wording (admins)."""
    return OneTextOut(text=TextOut.of(await overrides.reset_override(ctx, agent, code, locale)))
