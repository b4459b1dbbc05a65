"""Due times on business hours: ``due_at`` adds working minutes, ``working_minutes`` measures them.

Pure functions over a :class:`Calendar` — a group's :class:`~kefu.routing.hours.BusinessHours` plus the
``holidays`` table (closed days, and make-up working days that open on the periods of a normal
weekday). Times are aware; stored UTC; the walk happens in the calendar's zone (Asia/Shanghai has no
DST, but nothing here assumes that). A 24/7 group (no hours) counts every minute and ignores holidays.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from kefu.routing.hours import BusinessHours, Period

HORIZON_DAYS = 400  # a calendar with no opening for more than a year is a mistake, not a due time


@dataclass(frozen=True, slots=True)
class Calendar:
    """Business hours with the holiday table folded in (``holidays`` closed, ``workdays`` open)."""

    hours: BusinessHours = field(default_factory=BusinessHours)
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    def periods_on(self, day: date) -> tuple[Period, ...]:
        """The opening periods of a local day."""
        if day in self.hours.special_days:
            return self.hours.special_days[day]
        if day in self.workdays:
            return _workday_periods(self.hours)
        if day in self.holidays:
            return ()
        return self.hours.periods_on(day)

    def intervals(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Opening intervals (aware, in the calendar's zone) that end after ``start``, in order."""
        zone = self.hours.zone
        local = start.astimezone(zone)
        for offset in range(HORIZON_DAYS):
            day = local.date() + timedelta(days=offset)
            for begin, end in self.periods_on(day):
                opens = datetime.combine(day, begin, tzinfo=zone)
                closes = (
                    datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
                    if end is None
                    else datetime.combine(day, end, tzinfo=zone)
                )
                if closes > start:
                    yield max(opens, start), closes


def _workday_periods(hours: BusinessHours) -> tuple[Period, ...]:
    """A make-up working day opens like the first weekday that has periods (usually Monday)."""
    for weekday in range(5):
        if hours.weekly.get(weekday):
            return hours.weekly[weekday]
    return ()


def due_at(start: datetime, minutes: int, calendar: Calendar) -> datetime:
    """The instant (UTC) ``minutes`` working minutes after ``start`` (0 minutes: the next opening)."""
    if calendar.hours.always_open:
        return (start + timedelta(minutes=minutes)).astimezone(UTC)
    remaining = timedelta(minutes=minutes)
    for opens, closes in calendar.intervals(start):
        if remaining <= closes - opens:
            return (opens + remaining).astimezone(UTC)
        remaining -= closes - opens
    raise ValueError("no business hours within the horizon: the calendar never opens")


def working_minutes(start: datetime, end: datetime, calendar: Calendar) -> int:
    """Whole working minutes between two instants (0 if ``end`` is not after ``start``)."""
    if end <= start:
        return 0
    if calendar.hours.always_open:
        return int((end - start).total_seconds() // 60)
    total = timedelta()
    for opens, closes in calendar.intervals(start):
        if opens >= end:
            break
        total += min(closes, end) - opens
    return int(total.total_seconds() // 60)


def next_working_day(start: datetime, calendar: Calendar) -> datetime:
    """The first opening on a later local day than ``start`` (a follow-up's "next working day")."""
    zone = calendar.hours.zone
    tomorrow = datetime.combine(start.astimezone(zone).date() + timedelta(days=1), time(0), tzinfo=zone)
    if calendar.hours.always_open:
        return (tomorrow + timedelta(hours=9)).astimezone(UTC)  # 24/7: 09:00 the next day, not midnight
    return due_at(tomorrow, 0, calendar)
