"""Due times on business hours: overnight, weekends, holidays, make-up days, Asia/Shanghai, UTC stored."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.routing.hours import from_spec
from kefu.tickets.calendar import Calendar, due_at, next_working_day, working_minutes

SH = ZoneInfo("Asia/Shanghai")
WEEKDAYS = {day: ["09:00-12:00", "13:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
OFFICE = Calendar(from_spec({"timezone": "Asia/Shanghai", "weekly": WEEKDAYS}))


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def test_within_one_period() -> None:
    assert due_at(sh(2026, 12, 2, 9, 30), 60, OFFICE) == sh(2026, 12, 2, 10, 30)


def test_over_lunch() -> None:
    assert due_at(sh(2026, 12, 2, 11, 30), 60, OFFICE) == sh(2026, 12, 2, 13, 30)


def test_overnight_carries_to_the_next_morning() -> None:
    assert due_at(sh(2026, 12, 2, 17, 0), 120, OFFICE) == sh(2026, 12, 3, 10, 0)


def test_started_at_night_counts_from_the_opening() -> None:
    assert due_at(sh(2026, 12, 2, 22, 0), 30, OFFICE) == sh(2026, 12, 3, 9, 30)
    assert due_at(sh(2026, 12, 3, 3, 0), 0, OFFICE) == sh(2026, 12, 3, 9, 0)


def test_weekend_is_skipped() -> None:
    friday = sh(2026, 12, 4, 17, 0)  # 2026-12-04 is a Friday
    assert due_at(friday, 120, OFFICE) == sh(2026, 12, 7, 10, 0)  # Monday


def test_holidays_are_closed_and_make_up_days_open() -> None:
    holiday = Calendar(OFFICE.hours, holidays=frozenset({date(2026, 12, 3)}))
    assert due_at(sh(2026, 12, 2, 17, 0), 120, holiday) == sh(2026, 12, 4, 10, 0)
    make_up = Calendar(OFFICE.hours, workdays=frozenset({date(2026, 12, 5)}))  # a Saturday worked
    assert due_at(sh(2026, 12, 4, 17, 0), 120, make_up) == sh(2026, 12, 5, 10, 0)


def test_group_holidays_in_the_hours_spec_count_too() -> None:
    spec = {"timezone": "Asia/Shanghai", "weekly": WEEKDAYS, "holidays": ["2026-12-03"]}
    assert due_at(sh(2026, 12, 2, 17, 0), 120, Calendar(from_spec(spec))) == sh(2026, 12, 4, 10, 0)


def test_a_whole_working_week() -> None:
    minutes = 5 * 8 * 60
    assert due_at(sh(2026, 12, 7, 9, 0), minutes, OFFICE) == sh(2026, 12, 11, 18, 0)


def test_utc_in_and_out_is_the_same_instant() -> None:
    start_utc = datetime(2026, 12, 2, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
    due = due_at(start_utc, 60, OFFICE)
    assert due == datetime(2026, 12, 2, 2, 30, tzinfo=UTC)
    assert due.astimezone(UTC).hour == 2


def test_always_open_counts_every_minute_and_ignores_holidays() -> None:
    cal = Calendar(from_spec(None), holidays=frozenset({date(2026, 12, 3)}))
    start = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)
    assert due_at(start, 180, cal) == start + timedelta(hours=3)


def test_midnight_periods() -> None:
    night = Calendar(from_spec({"weekly": {"wed": ["20:00-24:00"], "thu": ["00:00-02:00"]}}))
    assert due_at(sh(2026, 12, 2, 23, 0), 120, night) == sh(2026, 12, 3, 1, 0)


def test_a_calendar_that_never_opens_is_an_error() -> None:
    with pytest.raises(ValueError, match="never opens"):
        due_at(sh(2026, 12, 2, 9, 0), 10, Calendar(from_spec({"weekly": {}})))


@pytest.mark.parametrize("minutes", [0, 1, 59, 60, 179, 480, 481, 1000, 2400, 5000])
@pytest.mark.parametrize("start", [sh(2026, 12, 2, 8, 0), sh(2026, 12, 2, 11, 59), sh(2026, 12, 4, 18, 30)])
def test_working_minutes_inverts_due_at(start: datetime, minutes: int) -> None:
    due = due_at(start, minutes, OFFICE)
    assert working_minutes(start, due, OFFICE) == minutes
    assert OFFICE.hours.is_open(due - timedelta(seconds=1)) or minutes == 0


def test_next_working_day() -> None:
    assert next_working_day(sh(2026, 12, 4, 15, 0), OFFICE) == sh(2026, 12, 7, 9, 0)
    assert next_working_day(sh(2026, 12, 2, 8, 0), OFFICE) == sh(2026, 12, 3, 9, 0)
