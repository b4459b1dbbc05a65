"""A skill group's automatic greetings: welcome, off-hours, agent joined and closing words, per channel.

They are catalogue texts (``chat.welcome``, ``queue.off_hours`` …) that a group words its own way: the
text book resolves group + channel → group → organisation (``/console/texts``) → catalogue. Admins
change them; a change leaves as ``TextsChanged`` after commit and every node reloads its text book.
A group's wording may leave out the catalogue's placeholders (a group states its own hours in words)
and may use ``{hours}``: the group's weekly hours, e.g. "周一至周五 09:00–18:00".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kefu.context import Context
from kefu.errors import InvalidInput, NotFound, PermissionDenied
from kefu.events import TextsChanged
from kefu.security.access import require_agent
from kefu.security.principals import Principal
from kefu.storage.repositories import canned as canned_repo
from kefu.storage.repositories import routing as routing_repo
from kefu.storage.tables import GreetingOverride
from kefu.texts.catalogue import LOCALES
from kefu.texts.overrides import MAX_CHARS
from kefu.texts.render import TemplateSyntaxError, params_of, placeholders

# Each kind of greeting and the catalogue codes that say it.
KINDS: dict[str, tuple[str, ...]] = {
    "welcome": ("chat.welcome",),
    "off_hours": ("queue.off_hours", "queue.off_hours.no_opening"),
    "agent_joined": ("agent.joined",),
    "closing": ("conversation.closed.by_agent", "conversation.closed.by_customer", "conversation.closed.idle"),
}
CODES = tuple(code for codes in KINDS.values() for code in codes)
CHANNELS = ("", "web", "app", "wechat", "email", "sms")
EXTRA = frozenset({"hours"})


@dataclass(frozen=True, slots=True)
class GreetingView:
    """One group's own wording of one greeting code for one channel and locale."""

    skill_group_id: int
    channel: str
    code: str
    locale: str
    text: str
    updated_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "skill_group_id": self.skill_group_id,
            "channel": self.channel,
            "code": self.code,
            "locale": self.locale,
            "text": self.text,
            "updated_at": self.updated_at.isoformat() if self.updated_at is not None else None,
        }


def _view(row: GreetingOverride) -> GreetingView:
    return GreetingView(row.skill_group_id, row.channel, row.code, row.locale, row.text, row.updated_at)


def check(code: str, channel: str, locale: str, text: str) -> str:
    """The wording to store, or InvalidInput naming what is wrong."""
    if code not in CODES:
        raise InvalidInput(f"a group greeting is one of {', '.join(CODES)}", code="unknown_greeting")
    if channel not in CHANNELS:
        raise InvalidInput(f"channel must be one of {', '.join(c or '(any)' for c in CHANNELS)}", code="bad_channel")
    if locale not in LOCALES:
        raise InvalidInput(f"locale must be one of {', '.join(LOCALES)}", code="unknown_locale")
    text = text.strip()
    if not text:
        raise InvalidInput("the text is empty (reset it to use the organisation's)", code="text_empty")
    if len(text) > MAX_CHARS:
        raise InvalidInput(f"the text is longer than {MAX_CHARS} characters", code="text_too_long")
    try:
        used = placeholders(text)
    except TemplateSyntaxError as exc:
        raise InvalidInput(str(exc), code="bad_placeholder") from None
    allowed = params_of(code) | EXTRA
    if used - allowed:
        unknown = " ".join(f"{{{name}}}" for name in sorted(used - allowed))
        wanted = " ".join(f"{{{name}}}" for name in sorted(allowed))
        raise InvalidInput(f"unknown placeholder {unknown}: this text may use {wanted}", code="placeholders_mismatch")
    return text


def _require_admin(principal: Principal) -> int:
    agent = require_agent(principal)
    if agent.role != "admin":
        raise PermissionDenied("only admins may change greetings", code="admins_only")
    return agent.user_id


async def list_greetings(ctx: Context, principal: Principal) -> list[GreetingView]:
    """Every group greeting (console users read them)."""
    require_agent(principal)
    async with ctx.uow() as uow:
        return [_view(r) for r in await canned_repo.all_greetings(uow.session)]


async def set_greeting(
    ctx: Context, principal: Principal, group_id: int, channel: str, code: str, locale: str, text: str
) -> GreetingView:
    """Set a group's own wording of a greeting (admins)."""
    user_id = _require_admin(principal)
    text = check(code, channel, locale, text)
    async with ctx.uow() as uow:
        if await routing_repo.get_group(uow.session, group_id) is None:
            raise NotFound("skill group not found", code="group_not_found")
        row = await canned_repo.get_greeting(uow.session, group_id, channel, code, locale)
        now = ctx.clock.now()
        if row is None:
            row = GreetingOverride(
                skill_group_id=group_id,
                channel=channel,
                code=code,
                locale=locale,
                text=text,
                updated_by_id=user_id,
                updated_at=now,
            )
            uow.session.add(row)
        else:
            row.text, row.updated_by_id, row.updated_at = text, user_id, now
        await uow.session.flush()
        view = _view(row)
        uow.emit(TextsChanged(code, locale, overridden=True))
        await uow.commit()
    return view


async def reset_greeting(
    ctx: Context, principal: Principal, group_id: int, channel: str, code: str, locale: str
) -> None:
    """Back to the organisation's wording for this group and channel (admins; a no-op without one)."""
    _require_admin(principal)
    if code not in CODES or channel not in CHANNELS or locale not in LOCALES:
        raise InvalidInput("unknown greeting, channel or locale", code="unknown_greeting")
    async with ctx.uow() as uow:
        if await canned_repo.delete_greeting(uow.session, group_id, channel, code, locale):
            uow.emit(TextsChanged(code, locale, overridden=False))
            await uow.commit()
