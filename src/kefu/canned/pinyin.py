"""Pinyin initials of a reply's title, so ``/cfh`` finds 催发货 (agents type initials faster than
switching their input method). Computed when a reply is saved and stored beside it."""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

_KEEP = re.compile(r"[^a-z0-9]")


def initials(text: str) -> str:
    """``催发货`` → ``cfh``; latin letters and digits are kept as they are (``VIP问候`` → ``vipwh``);
    a polyphonic character takes its most common reading (pypinyin's choice in context)."""
    parts = lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda chars: chars)
    return _KEEP.sub("", "".join(parts).lower())[:200]
