"""How the demo system writes times, money and masked contacts in its answers.

The company is in China: times go out as ISO 8601 in UTC+08:00 and dates are China dates, so what
kefu shows a customer matches what the customer's own app shows.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def iso(moment: datetime) -> str:
    """An instant as ISO 8601 in China time, to the second."""
    return moment.astimezone(CHINA).replace(microsecond=0).isoformat()


def china_date(moment: datetime) -> date:
    """The calendar date in China at ``moment``."""
    return moment.astimezone(CHINA).date()


def china_noon(day: date) -> datetime:
    """Noon in China on ``day``, as an aware UTC instant (a stable time for date-only seed values)."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=CHINA).astimezone(UTC)


def shown(moment: datetime) -> str:
    """An instant for people: ``2026-12-01 14:05``."""
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def money(cents: int) -> str:
    """An amount in cents as a decimal string with two places: ``64800`` -> ``"648.00"``."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def mask_phone(phone: str) -> str:
    """``13800138000`` -> ``138****8000``."""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_email(email: str) -> str:
    """``zhangwei@example.com`` -> ``z***@example.com``."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (a warranty of 12 months from 29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_working_days(day: date, days: int) -> date:
    """``days`` working days (Monday to Friday) after ``day``: when a refund promised in working days lands."""
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day
