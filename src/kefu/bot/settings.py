"""The bot's thresholds and hand-over triggers as organisation settings.

The node's environment (``KEFU_BOT_*``) gives the defaults; an admin's overrides, stored in one row,
win over them. A change emits ``BotSettingsChanged`` after commit, on which the running bot swaps in a
policy with the new settings, so it takes effect on the next customer message without a restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from kefu.bot.policy import BotSettings
from kefu.config import Settings
from kefu.context import Context
from kefu.errors import InvalidInput, PermissionDenied
from kefu.events import BotSettingsChanged
from kefu.security.principals import AgentPrincipal, Principal
from kefu.storage.repositories import bot_settings as settings_repo
from kefu.storage.repositories.bot_settings import OverrideValue
from kefu.storage.tables import BotSettingsRow

THRESHOLDS = ("answer_threshold", "clarify_threshold")
TRIGGERS = ("handover_on_request", "handover_on_negative", "handover_on_vip", "handover_on_sensitive")
FIELDS = (*THRESHOLDS, "max_failures", *TRIGGERS)
MAX_FAILURES_RANGE = (1, 10)


@dataclass(frozen=True, slots=True)
class BotSettingsView:
    """The settings in force, the node's defaults beneath them, and which ones an admin overrode."""

    effective: BotSettings
    defaults: BotSettings
    overridden: frozenset[str]


def env_defaults(settings: Settings) -> BotSettings:
    """The bot's thresholds and triggers from the node's settings (``KEFU_BOT_*``)."""
    return BotSettings(
        answer_threshold=settings.bot_answer_threshold,
        clarify_threshold=settings.bot_clarify_threshold,
        handover_on_request=settings.bot_handover_on_request,
        handover_on_negative=settings.bot_handover_on_negative,
        handover_on_vip=settings.bot_handover_on_vip,
        handover_on_sensitive=settings.bot_handover_on_sensitive,
        max_failures=settings.bot_max_failures,
    )


def _overrides(row: BotSettingsRow | None) -> dict[str, OverrideValue]:
    if row is None:
        return {}
    stored: dict[str, OverrideValue] = {name: getattr(row, name) for name in FIELDS}
    return {name: value for name, value in stored.items() if value is not None}


def _view(defaults: BotSettings, overrides: Mapping[str, OverrideValue]) -> BotSettingsView:
    return BotSettingsView(replace(defaults, **overrides), defaults, frozenset(overrides))  # type: ignore[arg-type]


async def effective_settings(ctx: Context) -> BotSettings:
    """The settings the bot should use now: stored overrides over the node's defaults."""
    async with ctx.uow() as uow:
        row = await settings_repo.get_overrides(uow.session)
        return _view(env_defaults(ctx.settings), _overrides(row)).effective


def _require_staff(principal: Principal, *, write: bool) -> AgentPrincipal:
    allowed = ("admin",) if write else ("admin", "supervisor")
    if not isinstance(principal, AgentPrincipal) or principal.role not in allowed:
        who = "admins" if write else "admins and supervisors"
        raise PermissionDenied(f"only {who} may {'change' if write else 'see'} the bot's settings")
    return principal


async def read_settings(ctx: Context, principal: Principal) -> BotSettingsView:
    """The bot's settings for the console (admins and supervisors)."""
    _require_staff(principal, write=False)
    async with ctx.uow() as uow:
        row = await settings_repo.get_overrides(uow.session)
        return _view(env_defaults(ctx.settings), _overrides(row))


def _check_value(name: str, value: OverrideValue) -> None:
    if value is None:
        return
    if name in TRIGGERS:
        if not isinstance(value, bool):
            raise InvalidInput(f"{name} must be true or false", code="bad_bot_setting")
    elif name == "max_failures":
        low, high = MAX_FAILURES_RANGE
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(f"max_failures must be a whole number from {low} to {high}", code="bad_max_failures")
    elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InvalidInput(f"{name} must be a number from 0 to 1", code="bad_threshold")


async def update_settings(ctx: Context, principal: Principal, changes: Mapping[str, OverrideValue]) -> BotSettingsView:
    """Apply an admin's changes (a value overrides, ``None`` returns to the node's default).

    Every value is checked before anything is written: thresholds lie in [0, 1], the clarify threshold
    is not above the answer threshold (in the settings that would result), and the bot gives up after
    1 to 10 failed answers. Bad input raises ``InvalidInput`` and changes nothing.
    """
    admin = _require_staff(principal, write=True)
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise InvalidInput(f"unknown bot settings: {', '.join(unknown)}", code="bad_bot_setting")
    for name, value in changes.items():
        _check_value(name, value)
    normalised = {
        name: float(value) if name in THRESHOLDS and value is not None else value for name, value in changes.items()
    }
    defaults = env_defaults(ctx.settings)
    async with ctx.uow() as uow:
        current = _overrides(await settings_repo.get_overrides(uow.session))
        merged = {**current, **normalised}
        view = _view(defaults, {name: value for name, value in merged.items() if value is not None})
        if view.effective.clarify_threshold > view.effective.answer_threshold:
            raise InvalidInput(
                "the clarify threshold must not be above the answer threshold", code="clarify_above_answer"
            )
        await settings_repo.save_overrides(uow.session, normalised, admin.user_id, ctx.clock.now())
        uow.emit(BotSettingsChanged(**{f.name: getattr(view.effective, f.name) for f in fields(view.effective)}))
        await uow.commit()
        return view
