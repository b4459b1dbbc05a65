"""A node's text book: the catalogue plus the organisation's overrides, as this node last loaded them.

The overrides live in the database; each node keeps a copy here so rendering a system message costs
no query. ``kefu.texts.overrides`` reloads it at start-up and whenever a ``TextsChanged`` event says
an admin changed a text (on any node).
"""

from __future__ import annotations

from collections.abc import Mapping

from kefu.texts.catalogue import ZH
from kefu.texts.render import (
    DEFAULT_CHANNEL,
    Param,
    Phrase,
    default_wording,
    fill,
    normalise_locale,
    placeholders,
    render_template,
)

# (skill group id, channel or "" for every channel, code, locale) → a group's own greeting.
GroupKey = tuple[int, str, str, str]


class TextBook:
    """Renders texts with the organisation's overrides applied (an override wins over every channel).

    ``default_locale`` is the organisation's language, for conversations whose client names none.
    A skill group's own greetings (``kefu.canned.greetings``) win over the organisation's wording for
    that group's conversations: group + channel, then group, then organisation, then the catalogue.
    A group greeting may leave out the catalogue's placeholders and may say ``{hours}``, the group's
    weekly business hours in words (kept here per group and locale as ``group_hours``).
    """

    def __init__(self, overrides: Mapping[tuple[str, str], str] | None = None, default_locale: str = ZH) -> None:
        self._overrides: dict[tuple[str, str], str] = dict(overrides or {})
        self._groups: dict[GroupKey, str] = {}
        self._group_hours: dict[tuple[int, str], str] = {}
        self.default_locale = normalise_locale(default_locale)

    def replace(
        self,
        overrides: Mapping[tuple[str, str], str],
        default_locale: str | None = None,
        groups: Mapping[GroupKey, str] | None = None,
        group_hours: Mapping[tuple[int, str], str] | None = None,
    ) -> None:
        """Swap in a freshly loaded set of overrides, keyed by ``(code, locale)`` (and the groups' own
        greetings and hours, when given)."""
        self._overrides = dict(overrides)
        if default_locale is not None:
            self.default_locale = normalise_locale(default_locale)
        if groups is not None:
            self._groups = dict(groups)
        if group_hours is not None:
            self._group_hours = dict(group_hours)

    def group_wording(self, code: str, locale: str, channel: str, group_id: int | None) -> str | None:
        """The group's own template of ``code`` for this channel (else for every channel), if any."""
        if group_id is None:
            return None
        locale = normalise_locale(locale)
        return self._groups.get((group_id, channel, code, locale)) or self._groups.get((group_id, "", code, locale))

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

    def say(self, phrase: Phrase, locale: str, channel: str = DEFAULT_CHANNEL, group_id: int | None = None) -> str:
        """Render a :class:`Phrase` (in ``group_id``'s own words if the group has a greeting for it)."""
        own = self.group_wording(phrase.code, locale, channel, group_id)
        if own is not None and group_id is not None:
            hours = self._group_hours.get((group_id, normalise_locale(locale)), "")
            params = {**phrase.params, "hours": hours}
            return fill(own, {name: params.get(name, "") for name in placeholders(own)})
        return render_template(phrase.code, self.wording(phrase.code, locale, channel), phrase.params)
