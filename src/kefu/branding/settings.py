"""Reading and changing the widget's branding.

Everything here ends up in a customer's page, so it is checked strictly on the way in: the colour is
``#RRGGBB`` (it becomes a CSS custom property, so nothing else may pass), names and lines are plain
one-line text (escaped when rendered), and a logo is a PNG, JPEG, GIF or WebP recognised by its bytes
(never SVG, which can carry script) of at most ``MAX_LOGO_BYTES``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from kefu.context import Context
from kefu.conversations.attachments import sniff_type
from kefu.errors import InvalidInput, NotFound, PermissionDenied, TooLarge
from kefu.security.principals import AgentPrincipal, Principal
from kefu.storage.repositories import widget_settings as repo
from kefu.storage.tables import WidgetSettingsRow

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_NAME = 60
MAX_REPLY_TIME = 120
MAX_LOGO_BYTES = 256 * 1024
LOGO_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
TEXT_FIELDS = {"name": MAX_NAME, "reply_time": MAX_REPLY_TIME}


@dataclass(frozen=True, slots=True)
class Branding:
    """The branding in force (``None``: the widget's built-in wording or colour)."""

    name: str | None = None
    reply_time: str | None = None
    colour: str | None = None
    logo_version: int = 0
    has_logo: bool = False

    @property
    def logo_url(self) -> str | None:
        """Where the widget loads the logo from (versioned, so a new logo is never served stale)."""
        return f"/api/v1/widget/logo?v={self.logo_version}" if self.has_logo else None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "reply_time": self.reply_time,
            "colour": self.colour,
            "logo_url": self.logo_url,
        }


def _of(row: WidgetSettingsRow | None) -> Branding:
    if row is None:
        return Branding()
    return Branding(row.name, row.reply_time, row.colour, row.logo_version, row.logo is not None)


def _require(principal: Principal, *, write: bool) -> AgentPrincipal:
    allowed = ("admin",) if write else ("admin", "supervisor")
    if not isinstance(principal, AgentPrincipal) or principal.role not in allowed:
        raise PermissionDenied("only admins may change the widget's branding" if write else "not allowed")
    return principal


def clean_text(name: str, value: str | None) -> str | None:
    """A one-line text, stripped; empty means "back to the default"."""
    if value is None:
        return None
    value = " ".join(value.split())
    if len(value) > TEXT_FIELDS[name]:
        raise InvalidInput(f"{name} is longer than {TEXT_FIELDS[name]} characters", code="bad_branding")
    return value or None


def clean_colour(value: str | None) -> str | None:
    """``#RRGGBB`` in lower case; empty means "back to the default"."""
    if value is None or value.strip() == "":
        return None
    value = value.strip()
    if not COLOUR.match(value):
        raise InvalidInput("colour must look like #1f6feb", code="bad_colour")
    return value.lower()


async def current(ctx: Context) -> Branding:
    """The branding the widget shows now (anyone: it is on the public widget page)."""
    async with ctx.uow() as uow:
        return _of(await repo.get(uow.session))


async def read(ctx: Context, principal: Principal) -> Branding:
    """The branding for the console page (admins and supervisors)."""
    _require(principal, write=False)
    return await current(ctx)


async def update(ctx: Context, principal: Principal, changes: Mapping[str, str | None]) -> Branding:
    """Change name, reply-time line and colour (admins); a field left out stays, ``""``/``None`` resets it."""
    admin = _require(principal, write=True)
    values: dict[str, object] = {}
    for name, value in changes.items():
        if name == "colour":
            values[name] = clean_colour(value)
        elif name in TEXT_FIELDS:
            values[name] = clean_text(name, value)
        else:
            raise InvalidInput(f"unknown branding field {name!r}", code="bad_branding")
    async with ctx.uow() as uow:
        row = await repo.save(uow.session, values, admin.user_id, ctx.clock.now())
        branding = _of(row)
        await uow.commit()
    return branding


async def set_logo(ctx: Context, principal: Principal, data: bytes | None) -> Branding:
    """Replace the logo (``None`` removes it); checked by its bytes, at most ``MAX_LOGO_BYTES``."""
    admin = _require(principal, write=True)
    values: dict[str, object] = {"logo": None, "logo_type": None}
    if data is not None:
        if len(data) > MAX_LOGO_BYTES:
            raise TooLarge(f"the logo is larger than {MAX_LOGO_BYTES // 1024} KB", code="logo_too_large")
        kind = sniff_type(data)
        if kind not in LOGO_TYPES:
            raise InvalidInput("the logo must be a PNG, JPEG, GIF or WebP image", code="bad_logo_type")
        values = {"logo": data, "logo_type": kind}
    async with ctx.uow() as uow:
        row = await repo.get(uow.session)
        values["logo_version"] = (row.logo_version if row is not None else 0) + 1
        row = await repo.save(uow.session, values, admin.user_id, ctx.clock.now())
        branding = _of(row)
        await uow.commit()
    return branding


async def logo(ctx: Context) -> tuple[bytes, str]:
    """The logo's bytes and content type (NotFound when there is none)."""
    async with ctx.uow() as uow:
        row = await repo.get(uow.session)
        if row is None or row.logo is None or row.logo_type is None:
            raise NotFound("no logo", code="no_logo")
        return row.logo, row.logo_type
