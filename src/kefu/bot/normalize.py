"""Text normalisation for the bot: width, script, case, punctuation and numbers.

Everything is offline: traditional→simplified conversion uses OpenCC (``opencc`` on
PyPI), whose dictionaries ship inside the wheel.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "两": 2,
    "贰": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_CN_UNITS = {
    "十": 10,
    "拾": 10,
    "百": 100,
    "佰": 100,
    "千": 1000,
    "仟": 1000,
    "万": 10_000,
    "亿": 100_000_000,
}
# A Chinese numeral is converted only when it stands next to a digit-ish context word
# (a count or measure) so that idioms such as 一般 / 万一 / 统一 stay untouched.
_CN_NUM_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS)
_CN_NUMBER = re.compile(
    rf"[{_CN_NUM_CHARS}]+(?=[个元块天月年日号次岁张台件份小时分钟周星期折倍位%])"
    rf"|(?<=[第])[{_CN_NUM_CHARS}]+"
)
_PUNCT = {
    "。": ".",
    "，": ",",
    "、": ",",
    "；": ";",
    "：": ":",
    "？": "?",
    "！": "!",
    "（": "(",
    "）": ")",
    "【": "[",
    "】": "]",
    "「": '"',
    "」": '"',
    "『": '"',
    "』": '"',
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "《": '"',
    "》": '"',
    "〈": '"',
    "〉": '"',
    "—": "-",
    "–": "-",
    "～": "~",
    "…": "...",
    "·": " ",
    "\u3000": " ",
}
# A regex scan calls out only at the (few) punctuation marks: faster than str.translate on long text.
_PUNCT_RE = re.compile("[" + re.escape("".join(_PUNCT)) + "]")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_SPACES = re.compile(r"\s+")


def cn_numeral_to_int(text: str) -> int | None:
    """Convert a simple Chinese numeral (``三``, ``十二``, ``两百零五``, ``三万``) to an int."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    if all(ch in _CN_DIGITS for ch in text) and len(text) > 1:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))  # 二〇二四 -> 2024
    total = section = digit = 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
            continue
        unit = _CN_UNITS[ch]
        if unit >= 10_000:
            section = (section + digit) * unit
            total += section
            section = digit = 0
        else:
            section += (digit or 1) * unit
            digit = 0
    return total + section + digit


def _replace_cn_number(match: re.Match[str]) -> str:
    value = cn_numeral_to_int(match.group(0))
    return match.group(0) if value is None else str(value)


_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _unify_punct(match: re.Match[str]) -> str:
    return _PUNCT[match.group()]


def to_halfwidth(text: str) -> str:
    """Full-width ASCII variants (Ａ, １, ！) and the ideographic space become half-width."""
    return text.translate(_HALFWIDTH)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s.json")


def to_simplified(text: str) -> str:
    """Traditional Chinese → simplified Chinese (OpenCC's bundled t2s table)."""
    return str(_t2s().convert(text))


def normalize(text: str, *, strip_punct: bool = False, convert_numbers: bool = True) -> str:
    """Canonical form of ``text`` for matching.

    NFKC + full-width→half-width, traditional→simplified, case folding, Chinese
    punctuation unified to ASCII (or removed with ``strip_punct``), simple Chinese
    numerals in count contexts to digits, whitespace collapsed.
    """
    text = unicodedata.normalize("NFKC", text)  # also folds full-width forms to half-width
    text = _PUNCT_RE.sub(_unify_punct, to_simplified(text).casefold())
    if convert_numbers:
        text = _CN_NUMBER.sub(_replace_cn_number, text)
    if strip_punct:
        text = _NON_WORD.sub(" ", text).replace("_", " ")
    return _SPACES.sub(" ", text).strip()
