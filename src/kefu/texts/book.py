"""A node's text book: the catalogue plus the organisation's overrides, as this node last loaded them.

The overrides live in the database; each node keeps a copy here so rendering a system message costs
no query. ``kefu.texts.overrides`` reloads it at start-up and whenever a ``TextsChanged`` event says
an admin changed a text (on any node).
"""

from __future__ import annotations

from collections.abc import Mapping

from kefu.texts.catalogue import ZH
from kefu.texts.render import DEFAULT_CHANNEL, Param, Phrase, default_wording, normalise_locale, render_template


class TextBook:
    """Renders texts with the organisation's overrides applied (an override wins over every channel).

    ``default_locale`` is the organisation's language, for conversations whose client names none.
    """

    def __init__(self, overrides: Mapping[tuple[str, str], str] | None = None, default_locale: str = ZH) -> None:
        self._overrides: dict[tuple[str, str], str] = dict(overrides or {})
        self.default_locale = normalise_locale(default_locale)

    def replace(self, overrides: Mapping[tuple[str, str], str], default_locale: str | None = None) -> None:
        """Swap in a freshly loaded set of overrides, keyed by ``(code, locale)``."""
        self._overrides = dict(overrides)
        if default_locale is not None:
            self.default_locale = normalise_locale(default_locale)

    def locale_for(self, requested: str | None) -> str:
        """The supported locale closest to what a client asked for, else the organisation's."""
        return normalise_locale(requested, self.default_locale)

    def override(self, code: str, locale: str) -> str | None:
        """The organisation's own wording of ``code`` in ``locale``, if it has one."""
        return self._overrides.get((code, normalise_locale(locale)))

    def wording(self, code: str, locale: str, channel: str = DEFAULT_CHANNEL) -> str:
        """The template to use: the override, else the catalogue's variant for the channel, else its default."""
        return self.override(code, locale) or default_wording(code, locale, channel)

    def render(self, code: str, locale: str, channel: str = DEFAULT_CHANNEL, /, **params: Param) -> str:
        """Like :func:`kefu.texts.render.render`, with the organisation's overrides."""
        return render_template(code, self.wording(code, locale, channel), params)

    def say(self, phrase: Phrase, locale: str, channel: str = DEFAULT_CHANNEL) -> str:
        """Render a :class:`Phrase`."""
        return render_template(phrase.code, self.wording(phrase.code, locale, channel), phrase.params)
