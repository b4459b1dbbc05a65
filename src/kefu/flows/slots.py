"""Slot types: finding a value in what the customer wrote, and checking it.

Each type knows how to pick its value out of a sentence ("订单 202612010001 一直没到账" holds an order
number) and how to validate what was picked (format, checksum, date range, choices), returning the
normalised value or why it is not acceptable. Lookups in the company's system are the engine's job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from kefu.bot.normalize import normalize
from kefu.flows.model import Slot

PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d[- ]?\d{4}[- ]?\d{4})(?!\d)")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}")
CODE = re.compile(r"(?<![\dA-Za-z])(\d{4,8})(?![\dA-Za-z])")
ORDER_NO = re.compile(r"(?<![\dA-Za-z])(\d{12,24})(?![\dA-Za-z])")
TX_HASH = re.compile(r"(?<![0-9A-Za-z])(0x[0-9a-fA-F]{64})(?![0-9A-Za-z])")
ID_CARD = re.compile(r"(?<![\dXx])(\d{17}[\dXx])(?![\dXx])")
BANK_CARD = re.compile(r"(?<!\d)(\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}(?:[ -]?\d{1,3})?)(?!\d)")
NUMBER = re.compile(r"(?<!\d)(\d+(?:\.\d+)?)(?!\d)")
SERIAL = re.compile(r"(?<![0-9A-Za-z])([A-Za-z]{1,4}[0-9A-Za-z-]{4,24})(?![0-9A-Za-z])")
DATE = re.compile(
    r"(?<!\d)(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:[-/.月])\s*(\d{1,2})\s*日?(?!\d)"
    r"|(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True, slots=True)
class Checked:
    """A slot value: ``value`` when acceptable, else ``problem`` (a catalogue text code suffix)."""

    value: str | None
    problem: str | None = None


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum bank card numbers carry."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def id_card_ok(number: str) -> bool:
    """The mainland resident ID number's check character (GB 11643)."""
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def relative_date(spec: str, today: date) -> date:
    """``today``, ``-2y``, ``+30d``, ``-6m`` or an ISO date."""
    spec = spec.strip()
    if spec == "today":
        return today
    match = re.fullmatch(r"([+-]\d+)([dmy])", spec)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        if unit == "d":
            return today + timedelta(days=amount)
        months = amount * (12 if unit == "y" else 1)
        year, month = divmod(today.month - 1 + months, 12)
        day = min(today.day, 28)
        return date(today.year + year, month + 1, day)
    return date.fromisoformat(spec)


def _find(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    if match is None:
        return None
    return next((g for g in match.groups() if g), match.group(0))


def _parse_date(text: str) -> date | None:
    match = DATE.search(text)
    if match is None:
        return None
    parts = [g for g in match.groups() if g]
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def _choice(slot: Slot, text: str) -> str | None:
    norm = normalize(text, strip_punct=True).replace(" ", "")
    choices = slot.choices or []
    if norm.isdigit() and 1 <= int(norm) <= len(choices):
        return choices[int(norm) - 1]
    for choice in choices:
        if normalize(choice, strip_punct=True).replace(" ", "") == norm:
            return choice
    hits = [c for c in choices if normalize(c, strip_punct=True).replace(" ", "") in norm]
    return max(hits, key=len) if hits else None


def _digits(pattern: re.Pattern[str]) -> Callable[[str], str | None]:
    def find(text: str) -> str | None:
        found = _find(pattern, text)
        return re.sub(r"[- ]", "", found) if found else None

    return find


def _date(text: str) -> str | None:
    found = _parse_date(text)
    return found.isoformat() if found else None


_EXTRACTORS: dict[str, Callable[[str], str | None]] = {
    "phone": _digits(PHONE),
    "email": lambda text: _find(EMAIL, text),
    "phone_or_email": lambda text: _find(EMAIL, text) or _digits(PHONE)(text),
    "tx_hash": lambda text: _find(TX_HASH, text),
    "id_card": lambda text: _find(ID_CARD, text),
    "bank_card": _digits(BANK_CARD),
    "date": _date,
    "order_no": lambda text: _find(ORDER_NO, text),
    "code": lambda text: _find(CODE, text),
    "number": lambda text: _find(NUMBER, text),
    "serial": lambda text: _find(SERIAL, text),
}


def extract(slot: Slot, text: str) -> str | None:
    """The value of type ``slot.type`` that ``text`` holds, if it holds one (before validation)."""
    if slot.pattern is not None:
        return _find(re.compile(slot.pattern), text)
    if slot.type == "choice":
        return _choice(slot, text)
    extractor = _EXTRACTORS.get(slot.type)
    if extractor is not None:
        return extractor(text)
    stripped = text.strip()
    return stripped or None


def check(slot: Slot, text: str, today: date) -> Checked:
    """Pick and validate the slot's value from the customer's answer ``text``."""
    value = extract(slot, text)
    if value is None:
        return Checked(None, "format")
    if slot.type == "id_card" and not id_card_ok(value):
        return Checked(None, "checksum")
    if slot.type == "bank_card" and not luhn_ok(value):
        return Checked(None, "checksum")
    if slot.type == "date":
        day = date.fromisoformat(value)
        if slot.min_date is not None and day < relative_date(slot.min_date, today):
            return Checked(None, "too_early")
        if slot.max_date is not None and day > relative_date(slot.max_date, today):
            return Checked(None, "too_late")
    if slot.min_length is not None and len(value) < slot.min_length:
        return Checked(None, "format")
    if slot.max_length is not None and len(value) > slot.max_length:
        return Checked(None, "format")
    if slot.type == "text" and slot.choices:
        picked = _choice(slot, value)
        return Checked(picked, None if picked else "choice")
    return Checked(value)


def prefill(slot: Slot, text: str, today: date) -> str | None:
    """A value for ``slot`` from something the customer said before being asked, when it is unambiguous.

    Free text and sensitive values are never taken this way: only values with a recognisable shape (a
    type's own, or a text slot's ``pattern``).
    """
    if not slot.prefill or slot.is_sensitive or slot.type in ("number", "code", "choice"):
        return None
    if slot.type == "text" and slot.pattern is None:
        return None
    checked = check(slot, text, today)
    return checked.value
