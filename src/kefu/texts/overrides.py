"""The organisation's own wording of catalogue texts: admins set and reset it per code and locale.

An override is checked before anything is written: the code must exist, the locale be supported, the
wording non-empty and short enough, and its placeholders exactly the catalogue's (a greeting that drops
``{agent}`` or adds ``{name}`` would not render). ``TextsChanged`` leaves after commit, and every node
reloads its text book on it (``kefu.texts.sync``).
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
from kefu.storage.repositories import texts as text_repo
from kefu.storage.tables import TextOverride
from kefu.texts.catalogue import CATALOGUE, LOCALES
from kefu.texts.render import TemplateSyntaxError, default_wording, params_of, placeholders, text_def

MAX_CHARS = 2000


@dataclass(frozen=True, slots=True)
class TextEntry:
    """One text in one locale as the admin page shows it: the catalogue's wording and the override."""

    code: str
    locale: str
    audience: str
    params: tuple[str, ...]
    default: str
    override: str | None
    updated_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "code": self.code,
            "locale": self.locale,
            "audience": self.audience,
            "params": list(self.params),
            "default": self.default,
            "override": self.override,
            "updated_at": self.updated_at.isoformat() if self.updated_at is not None else None,
        }


def _entry(code: str, locale: str, row: TextOverride | None) -> TextEntry:
    return TextEntry(
        code,
        locale,
        text_def(code).audience,
        tuple(sorted(params_of(code))),
        default_wording(code, locale),
        row.text if row is not None else None,
        row.updated_at if row is not None else None,
    )


def check_code(code: str, locale: str) -> None:
    """NotFound for a code the catalogue does not have; InvalidInput for an unsupported locale."""
    if code not in CATALOGUE:
        raise NotFound(f"there is no text with code {code!r}", code="unknown_text")
    if locale not in LOCALES:
        raise InvalidInput(f"locale must be one of {', '.join(LOCALES)}", code="unknown_locale")


def check_override(code: str, locale: str, text: str) -> str:
    """The wording to store (stripped), or an error saying what is wrong with it."""
    check_code(code, locale)
    text = text.strip()
    if not text:
        raise InvalidInput("the text is empty (reset it to use the default)", code="text_empty")
    if len(text) > MAX_CHARS:
        raise InvalidInput(f"the text is longer than {MAX_CHARS} characters", code="text_too_long")
    try:
        used = placeholders(text)
    except TemplateSyntaxError as exc:
        raise InvalidInput(str(exc), code="bad_placeholder") from None
    expected = params_of(code)
    if used != expected:
        wanted = " ".join(f"{{{name}}}" for name in sorted(expected)) or "no placeholders"
        unknown = " ".join(f"{{{name}}}" for name in sorted(used - expected))
        missing = " ".join(f"{{{name}}}" for name in sorted(expected - used))
        problems = "; ".join(
            p for p in (f"unknown: {unknown}" if unknown else "", f"missing: {missing}" if missing else "") if p
        )
        raise InvalidInput(f"this text takes {wanted} ({problems})", code="placeholders_mismatch")
    return text


def _require_admin(principal: Principal) -> int:
    agent = require_agent(principal)
    if agent.role != "admin":
        raise PermissionDenied("only admins may change texts", code="admins_only")
    return agent.user_id


async def list_texts(ctx: Context, principal: Principal) -> list[TextEntry]:
    """Every catalogue text in every locale with the organisation's override (console users)."""
    require_agent(principal)
    async with ctx.uow() as uow:
        rows = {(r.code, r.locale): r for r in await text_repo.all_overrides(uow.session)}
    return [_entry(code, locale, rows.get((code, locale))) for code in CATALOGUE for locale in LOCALES]


async def set_override(ctx: Context, principal: Principal, code: str, locale: str, text: str) -> TextEntry:
    """Set the organisation's wording of ``code`` in ``locale`` (admins)."""
    user_id = _require_admin(principal)
    text = check_override(code, locale, text)
    async with ctx.uow() as uow:
        row = await text_repo.get_override(uow.session, code, locale)
        now = ctx.clock.now()
        if row is None:
            row = TextOverride(code=code, locale=locale, text=text, updated_by_id=user_id, updated_at=now)
            uow.session.add(row)
        else:
            row.text, row.updated_by_id, row.updated_at = text, user_id, now
        await uow.session.flush()
        entry = _entry(code, locale, row)
        uow.emit(TextsChanged(code, locale, overridden=True))
        await uow.commit()
    return entry


async def reset_override(ctx: Context, principal: Principal, code: str, locale: str) -> TextEntry:
    """Go back to the catalogue's wording of ``code`` in ``locale`` (admins; a no-op without an override)."""
    _require_admin(principal)
    check_code(code, locale)
    async with ctx.uow() as uow:
        if await text_repo.delete_override(uow.session, code, locale):
            uow.emit(TextsChanged(code, locale, overridden=False))
            await uow.commit()
    return _entry(code, locale, None)
