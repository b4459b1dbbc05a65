"""Every customer- and agent-facing text kefu produces, keyed by code, per locale and channel.

``render(code, locale, channel, **params)`` gives the catalogue's wording; ``ctx.texts`` (a
``TextBook``) gives it with the organisation's overrides, which is what domain code uses.
"""

from kefu.texts.book import TextBook
from kefu.texts.catalogue import CATALOGUE, EN, LOCALES, ZH
from kefu.texts.render import (
    DEFAULT_CHANNEL,
    Param,
    Phrase,
    TextError,
    TextParamsError,
    UnknownTextCode,
    normalise_locale,
    render,
)

__all__ = [
    "CATALOGUE",
    "DEFAULT_CHANNEL",
    "EN",
    "LOCALES",
    "ZH",
    "Param",
    "Phrase",
    "TextBook",
    "TextError",
    "TextParamsError",
    "UnknownTextCode",
    "normalise_locale",
    "render",
]
