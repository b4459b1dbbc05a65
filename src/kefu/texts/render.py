"""Rendering a catalogue text: pick the wording for a locale and channel, fill its ``{placeholders}``.

Templates are filled by this module rather than ``str.format`` so an admin's wording can only name
placeholders, never reach into attributes or format specs (``{agent.__class__}``, ``{0}``).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias

from kefu.texts.catalogue import CATALOGUE, EN, LOCALES, ZH, TextDef

Param: TypeAlias = str | int
DEFAULT_CHANNEL = "web"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Phrase:
    """A catalogue text with its parameters, not yet rendered (rendered per conversation, kept in meta)."""

    code: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def meta(self) -> dict[str, Any]:
        """What a stored message's meta keeps so the text can be rendered again (another channel, locale)."""
        return {"text_code": self.code, "text_params": dict(self.params)}


class TextError(Exception):
    """A text cannot be rendered: a programming error (unknown code, wrong parameters)."""


class UnknownTextCode(TextError, LookupError):
    """No text in the catalogue has this code."""


class TextParamsError(TextError, TypeError):
    """The parameters given do not match the text's placeholders."""


class TemplateSyntaxError(TextError, ValueError):
    """A wording is not a valid template (unbalanced braces, ``{0}``, ``{a.b}``, ``{a:>3}``)."""


def placeholders(template: str) -> frozenset[str]:
    """The ``{name}`` placeholders of a template; TemplateSyntaxError for anything but plain names."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise TemplateSyntaxError(f"{exc} (write {{{{ or }}}} for a literal brace)") from None
    names = set()
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise TemplateSyntaxError(f"{shown} is not a placeholder: use a plain name such as {{agent}}")
        names.add(name)
    return frozenset(names)


def fill(template: str, params: Mapping[str, Param]) -> str:
    """The template with each placeholder replaced by its parameter (``{{``/``}}`` become braces)."""
    out = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        out.append(literal)
        if name is not None:
            out.append(str(params[name]))
    return "".join(out)


def normalise_locale(value: str | None, default: str = ZH) -> str:
    """A supported locale for a browser's or client's language tag (``en-US`` → ``en``, ``zh`` → ``zh-CN``)."""
    tag = (value or "").strip().replace("_", "-").lower()
    if tag == "en" or tag.startswith("en-"):
        return EN
    if tag == "zh" or tag.startswith("zh-"):
        return ZH
    return default if default in LOCALES else ZH


def text_def(code: str) -> TextDef:
    """The catalogue entry of ``code``; UnknownTextCode if there is none."""
    found = CATALOGUE.get(code)
    if found is None:
        raise UnknownTextCode(f"unknown text code {code!r}; the catalogue is kefu.texts.catalogue.CATALOGUE")
    return found


def params_of(code: str) -> frozenset[str]:
    """The placeholders every wording of ``code`` uses."""
    return placeholders(text_def(code).wording[ZH])


def default_wording(code: str, locale: str, channel: str = DEFAULT_CHANNEL) -> str:
    """The catalogue's template for a locale and channel: the channel's variant, else the default."""
    text = text_def(code)
    locale = normalise_locale(locale)
    variant = text.variants.get(channel, {})
    return variant.get(locale) or text.wording.get(locale) or text.wording[ZH]


def render_template(code: str, template: str, params: Mapping[str, Param]) -> str:
    """Fill ``template`` (a wording of ``code``) after checking ``params`` name exactly its placeholders."""
    expected = params_of(code)
    given = set(params)
    if given != expected:
        missing = ", ".join(sorted(expected - given)) or "none"
        extra = ", ".join(sorted(given - expected)) or "none"
        raise TextParamsError(f"text {code!r} takes {sorted(expected)}; missing: {missing}; unexpected: {extra}")
    return fill(template, params)


def render(code: str, locale: str, channel: str = DEFAULT_CHANNEL, /, **params: Param) -> str:
    """The catalogue's wording of ``code`` in ``locale`` for ``channel``, filled with ``params``.

    UnknownTextCode for a code not in the catalogue, TextParamsError when ``params`` do not match its
    placeholders. Admins' overrides are applied by :class:`kefu.texts.book.TextBook`, not here.
    """
    return render_template(code, default_wording(code, locale, channel), params)


def opening_time(locale: str, when: datetime) -> str:
    """When service starts again, as the ``{opens}`` of ``queue.off_hours`` says it in ``locale``."""
    if normalise_locale(locale) == EN:
        return f"at {when:%H:%M} on {when.day} {_MONTHS[when.month - 1]}"
    return f"{when.month}月{when.day}日 {when:%H:%M}"
