"""Business hours of a skill group: periods per weekday, a time zone, holidays and special working days.

Stored as JSON on the group (``NULL`` means open 24/7)::

    {"timezone": "Asia/Shanghai",
     "weekly": {"mon": ["09:00-12:00", "13:30-21:00"], ..., "sun": []},
     "holidays": ["2026-10-01"],
     "special_days": {"2026-10-10": ["09:00-18:00"]}}

A weekday missing from ``weekly`` is closed. A holiday is closed all day; a special day uses its own
periods (so it can open a weekend or shorten a holiday eve), and wins over both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kefu.errors import InvalidInput

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Period = tuple[time, time | None]  # end None means midnight (24:00)


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """Parsed business hours; ``always_open`` for 24/7 groups."""

    timezone: str = "Asia/Shanghai"
    always_open: bool = True
    weekly: dict[int, tuple[Period, ...]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()
    special_days: dict[date, tuple[Period, ...]] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        """The time zone the periods are in."""
        return ZoneInfo(self.timezone)

    def periods_on(self, day: date) -> tuple[Period, ...]:
        """The opening periods of a local calendar day."""
        if day in self.special_days:
            return self.special_days[day]
        if day in self.holidays:
            return ()
        return self.weekly.get(day.weekday(), ())

    def is_open(self, instant: datetime) -> bool:
        """True if ``instant`` (aware) falls in an opening period."""
        if self.always_open:
            return True
        local = instant.astimezone(self.zone)
        now = local.time().replace(tzinfo=None)
        return any(start <= now and (end is None or now < end) for start, end in self.periods_on(local.date()))

    def next_opening(self, instant: datetime, horizon_days: int = 31) -> datetime | None:
        """The next instant the group opens (``instant`` itself when open); None if never within the horizon."""
        if self.is_open(instant):
            return instant
        local = instant.astimezone(self.zone)
        for offset in range(horizon_days + 1):
            day = local.date() + timedelta(days=offset)
            for start, _end in sorted(self.periods_on(day), key=lambda p: p[0]):
                opening = datetime.combine(day, start, tzinfo=self.zone)
                if opening > instant:
                    return opening
        return None


def _parse_time(text: str) -> time | None:
    if text == "24:00":
        return None
    try:
        hour, minute = text.split(":")
        return time(int(hour), int(minute))
    except ValueError as exc:
        raise InvalidInput(f"bad time {text!r}: use HH:MM", code="bad_hours") from exc


def _parse_periods(items: Any) -> tuple[Period, ...]:
    if not isinstance(items, list):
        raise InvalidInput("periods must be a list like ['09:00-12:00']", code="bad_hours")
    periods: list[Period] = []
    for item in items:
        if not isinstance(item, str) or "-" not in item:
            raise InvalidInput(f"bad period {item!r}: use 'HH:MM-HH:MM'", code="bad_hours")
        start_text, end_text = (part.strip() for part in item.split("-", 1))
        start, end = _parse_time(start_text), _parse_time(end_text)
        if start is None or (end is not None and end <= start):
            raise InvalidInput(f"period {item!r} must end after it starts", code="bad_hours")
        periods.append((start, end))
    return tuple(sorted(periods, key=lambda p: p[0]))


def _parse_date(text: Any) -> date:
    try:
        return date.fromisoformat(str(text))
    except ValueError as exc:
        raise InvalidInput(f"bad date {text!r}: use YYYY-MM-DD", code="bad_hours") from exc


def from_spec(spec: dict[str, Any] | None) -> BusinessHours:
    """Validate a JSON-ready spec (see module doc); ``None`` or ``{}`` is 24/7."""
    if not spec:
        return BusinessHours()
    unknown = set(spec) - {"timezone", "weekly", "holidays", "special_days"}
    if unknown:
        raise InvalidInput(f"unknown business-hours fields: {', '.join(sorted(unknown))}", code="bad_hours")
    timezone = str(spec.get("timezone") or "Asia/Shanghai")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(f"unknown time zone {timezone!r}", code="bad_hours") from exc
    weekly_raw = spec.get("weekly") or {}
    if not isinstance(weekly_raw, dict) or set(weekly_raw) - set(DAYS):
        raise InvalidInput(f"weekly must map {', '.join(DAYS)} to periods", code="bad_hours")
    weekly = {DAYS.index(day): _parse_periods(items) for day, items in weekly_raw.items()}
    holidays = frozenset(_parse_date(d) for d in spec.get("holidays") or [])
    special_raw = spec.get("special_days") or {}
    if not isinstance(special_raw, dict):
        raise InvalidInput("special_days must map dates to periods", code="bad_hours")
    special = {_parse_date(d): _parse_periods(items) for d, items in special_raw.items()}
    return BusinessHours(timezone, False, weekly, holidays, special)


def parse(raw: str | None) -> BusinessHours:
    """The business hours stored on a group (``NULL``/empty: 24/7)."""
    return from_spec(json.loads(raw)) if raw else BusinessHours()


def dump(spec: dict[str, Any] | None) -> str | None:
    """Validate and serialise a spec for storage (``None``/``{}`` stores 24/7)."""
    if not spec:
        return None
    from_spec(spec)
    return json.dumps(spec, ensure_ascii=False, sort_keys=True)


_DAY_NAMES = {
    "zh-CN": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def describe(business: BusinessHours, locale: str) -> str:
    """The weekly hours as a customer reads them: ``周一至周五 09:00–18:00；周六 10:00–16:00`` (consecutive
    days with the same periods joined), for canned replies' ``{服务时间}`` and greetings."""
    english = locale == "en"
    if business.always_open:
        return "open 24/7" if english else "全天 24 小时"
    names = _DAY_NAMES["en" if english else "zh-CN"]
    runs: list[tuple[int, int, tuple[Period, ...]]] = []
    for day in range(7):
        periods = business.weekly.get(day, ())
        if runs and runs[-1][2] == periods and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day, periods)
        else:
            runs.append((day, day, periods))
    parts = []
    for first, last, periods in runs:
        if not periods:
            continue
        days = names[first] if first == last else f"{names[first]}{'–' if english else '至'}{names[last]}"
        spans = ", ".join(f"{start:%H:%M}–{end:%H:%M}" if end else f"{start:%H:%M}–24:00" for start, end in periods)
        parts.append(f"{days} {spans}")
    return ("; " if english else "；").join(parts) or ("closed" if english else "暂无服务时间")
