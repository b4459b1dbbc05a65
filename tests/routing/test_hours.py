"""Business hours: two periods a day, a holiday, a special working day, time zones, 24/7."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.errors import InvalidInput
from kefu.routing import hours

SHANGHAI = ZoneInfo("Asia/Shanghai")
SPEC = {
    "timezone": "Asia/Shanghai",
    "weekly": {d: ["09:00-12:00", "13:30-21:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
    "holidays": ["2026-10-01"],
    "special_days": {"2026-10-10": ["10:00-16:00"]},
}


def local(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("clock", "is_open"),
    [
        ("08:59:59", False),
        ("09:00:00", True),
        ("11:59:59", True),
        ("12:00:00", False),  # lunch break
        ("13:29:59", False),
        ("13:30:00", True),
        ("20:59:59", True),
        ("21:00:00", False),
        ("23:30:00", False),
    ],
)
def test_a_working_day_with_two_periods(clock: str, is_open: bool) -> None:
    business = hours.from_spec(SPEC)
    assert business.is_open(local("2026-09-30", clock)) is is_open  # a Wednesday


def test_a_holiday_is_closed_all_day_and_the_next_opening_skips_it() -> None:
    business = hours.from_spec(SPEC)
    holiday_morning = local("2026-10-01", "10:00")  # a Thursday, but a holiday
    assert not business.is_open(holiday_morning)
    assert business.next_opening(holiday_morning) == local("2026-10-02", "09:00")


def test_a_special_working_day_opens_a_saturday_with_its_own_hours() -> None:
    business = hours.from_spec(SPEC)
    assert not business.is_open(local("2026-10-03", "11:00"))  # an ordinary Saturday
    assert business.is_open(local("2026-10-10", "11:00"))  # the special Saturday
    assert not business.is_open(local("2026-10-10", "09:30"))
    assert not business.is_open(local("2026-10-10", "16:00"))


def test_next_opening_during_lunch_and_at_night() -> None:
    business = hours.from_spec(SPEC)
    assert business.next_opening(local("2026-09-30", "12:10")) == local("2026-09-30", "13:30")
    assert business.next_opening(local("2026-09-30", "22:00")) == local("2026-10-02", "09:00")
    open_now = local("2026-09-30", "10:00")
    assert business.next_opening(open_now) == open_now


def test_time_zone_is_respected_for_utc_instants() -> None:
    business = hours.from_spec(SPEC)
    # 01:30 UTC is 09:30 in Shanghai; 13:00 UTC is 21:00 there (closed).
    assert business.is_open(datetime(2026, 9, 30, 1, 30, tzinfo=UTC))
    assert not business.is_open(datetime(2026, 9, 30, 13, 0, tzinfo=UTC))
    london = hours.from_spec({"timezone": "Europe/London", "weekly": {"wed": ["09:00-17:00"]}})
    assert london.is_open(datetime(2026, 9, 30, 8, 30, tzinfo=UTC))  # 09:30 BST


def test_always_open_and_until_midnight() -> None:
    assert hours.parse(None).is_open(datetime(2026, 1, 1, 3, tzinfo=UTC))
    late = hours.from_spec({"weekly": {"fri": ["18:00-24:00"]}})
    assert late.is_open(local("2026-10-02", "23:59:59"))
    assert not late.is_open(local("2026-10-03", "00:00:01"))


@pytest.mark.parametrize(
    "spec",
    [
        {"timezone": "Mars/Olympus"},
        {"weekly": {"monday": ["09:00-12:00"]}},
        {"weekly": {"mon": ["12:00-09:00"]}},
        {"weekly": {"mon": ["9-12"]}},
        {"weekly": {"mon": "09:00-12:00"}},
        {"holidays": ["2026-13-01"]},
        {"opening": "always"},
    ],
)
def test_bad_specs_are_refused(spec: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        hours.dump(spec)


def test_dump_round_trips() -> None:
    stored = hours.dump(SPEC)
    assert stored is not None
    assert hours.parse(stored) == hours.from_spec(SPEC)
    assert hours.dump({}) is None
