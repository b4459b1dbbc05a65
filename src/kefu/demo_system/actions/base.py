"""What every action handler shares: its context, its parameters and its result."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.demo_system.store import User

Outcome = Literal["ok", "not_found", "refused"]


@dataclass(frozen=True, slots=True)
class Result:
    """An action's answer: ``{"outcome", "data", "message"}`` (HTTP 200 for all three outcomes)."""

    outcome: Outcome
    data: dict[str, Any] = field(default_factory=dict)
    message: str | None = None

    def body(self) -> dict[str, Any]:
        """The JSON body of the answer."""
        return {"outcome": self.outcome, "data": self.data, "message": self.message}


def ok(data: dict[str, Any] | None = None, message: str | None = None) -> Result:
    """Done, or found."""
    return Result("ok", data or {}, message)


def not_found(message: str) -> Result:
    """No such user, order, transfer, device or repair."""
    return Result("not_found", {}, message)


def refused(reason: str, message: str, **data: Any) -> Result:
    """Understood but not done; ``reason`` is the machine value kefu's flows branch on."""
    return Result("refused", {"reason": reason, **data}, message)


class BadParams(Exception):
    """A parameter is missing or malformed: answered 422 (kefu reads it as refused)."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


class Params:
    """The ``params`` object of a call; values are strings, numbers are accepted and read as text."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw

    def optional(self, name: str) -> str | None:
        """The trimmed value, or None when absent or blank."""
        value = self._raw.get(name)
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            value = str(value)
        if not isinstance(value, str):
            raise BadParams(name, "must be a string")
        return value.strip() or None

    def text(self, name: str) -> str:
        """A required value."""
        value = self.optional(name)
        if value is None:
            raise BadParams(name, "is required")
        return value

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        """An optional whole number, clamped to ``low..high``."""
        value = self.optional(name)
        if value is None:
            return default
        if not value.isdigit():
            raise BadParams(name, "must be a whole number")
        return max(low, min(int(value), high))

    def day(self, name: str) -> date | None:
        """An optional date written ``YYYY-MM-DD``."""
        value = self.optional(name)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise BadParams(name, "must be a date YYYY-MM-DD") from None

    def user_id(self) -> int:
        """The required ``user_id`` (as find_user returned it)."""
        value = self.text("user_id")
        if not value.isdigit() or len(value) > 12:
            raise BadParams("user_id", "must be a user id from find_user")
        return int(value)


@dataclass(frozen=True, slots=True)
class ActionContext:
    """What a handler may use: one transaction, the clock's now and the demo system's own URL."""

    session: AsyncSession
    now: datetime
    base_url: str


Handler = Callable[[ActionContext, Params], Awaitable[Result]]


def normalise_phone(phone: str) -> str:
    """``+86 138-0013-8000`` -> ``13800138000``."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


async def user_by_id(session: AsyncSession, user_id: int) -> User | None:
    """The user with that id."""
    return await session.get(User, user_id)


async def user_by_phone(session: AsyncSession, phone: str) -> User | None:
    """The user with that phone number, however it was written."""
    return await session.scalar(select(User).where(User.phone == normalise_phone(phone)))


NO_USER = "未找到该用户"
