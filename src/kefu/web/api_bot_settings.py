"""The bot's thresholds and hand-over triggers as organisation settings (admins write, supervisors read)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from pydantic import BaseModel, StrictBool, StrictFloat, StrictInt

from kefu.bot import settings as bot_settings
from kefu.bot.settings import BotSettingsView
from kefu.web.deps import AgentDep, CtxDep
from kefu.web.schemas import Strict

router = APIRouter(prefix="/api/v1", tags=["bot"])


class BotSettingsOut(BaseModel):
    """One full set of the bot's settings."""

    answer_threshold: float
    clarify_threshold: float
    max_failures: int
    handover_on_request: bool
    handover_on_negative: bool
    handover_on_vip: bool
    handover_on_sensitive: bool


class BotSettingsResponse(BaseModel):
    """The settings in force, the node's defaults (``KEFU_BOT_*``) and which settings an admin overrode."""

    settings: BotSettingsOut
    defaults: BotSettingsOut
    overridden: list[str]


class BotSettingsIn(Strict):
    """Changes: a field left out stays as it is; ``null`` returns it to the node's default.

    Ranges (thresholds 0–1, clarify ≤ answer, max_failures 1–10) are checked by the action, which
    answers a bad value with a 422 error naming it, and changes nothing.
    """

    answer_threshold: StrictFloat | StrictInt | None = None
    clarify_threshold: StrictFloat | StrictInt | None = None
    max_failures: StrictInt | None = None
    handover_on_request: StrictBool | None = None
    handover_on_negative: StrictBool | None = None
    handover_on_vip: StrictBool | None = None
    handover_on_sensitive: StrictBool | None = None


def _response(view: BotSettingsView) -> BotSettingsResponse:
    return BotSettingsResponse(
        settings=BotSettingsOut(**asdict(view.effective)),
        defaults=BotSettingsOut(**asdict(view.defaults)),
        overridden=sorted(view.overridden),
    )


@router.get("/bot/settings", response_model=BotSettingsResponse)
async def get_settings(agent: AgentDep, ctx: CtxDep) -> BotSettingsResponse:
    """The bot's settings (admins and supervisors)."""
    return _response(await bot_settings.read_settings(ctx, agent))


@router.put("/bot/settings", response_model=BotSettingsResponse)
async def put_settings(body: BotSettingsIn, agent: AgentDep, ctx: CtxDep) -> BotSettingsResponse:
    """Change the bot's settings (admins); the running bot uses them from the next message on."""
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    return _response(await bot_settings.update_settings(ctx, agent, changes))
