"""An action of the company's backend as an admin configures it, and the checks its values must pass.

Plain values only (no database, no HTTP): the node's cache holds ``ActionConfig`` (with the secret, for
signing), while everything shown to people is an ``ActionView``, which has no field that could carry
the secret — only whether one is set and its last four characters, to tell two secrets apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kefu.errors import InvalidInput

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")
MAX_URL = 2000
SECRET_LENGTH = (16, 256)
TIMEOUT_MS = (100, 60_000)
ATTEMPTS = (1, 5)
MAX_DESCRIPTION = 500
DEFAULT_TIMEOUT_MS = 5000
DEFAULT_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class ActionConfig:
    """What a call needs: where, the shared secret, the timeout per attempt and how many attempts."""

    name: str
    url: str
    secret: str
    timeout_ms: int
    max_attempts: int
    allow_private: bool
    enabled: bool
    description: str = ""


@dataclass(frozen=True, slots=True)
class ActionView:
    """An action as the console and the API show it: never the secret."""

    name: str
    url: str
    description: str
    timeout_ms: int
    max_attempts: int
    allow_private: bool
    enabled: bool
    secret_set: bool
    secret_last4: str
    updated_at: datetime
    updated_by: int | None
    updated_by_name: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (``updated_at`` in ISO 8601)."""
        return {
            "name": self.name,
            "url": self.url,
            "description": self.description,
            "timeout_ms": self.timeout_ms,
            "max_attempts": self.max_attempts,
            "allow_private": self.allow_private,
            "enabled": self.enabled,
            "secret_set": self.secret_set,
            "secret_last4": self.secret_last4,
            "updated_at": self.updated_at.isoformat(),
            "updated_by": self.updated_by,
            "updated_by_name": self.updated_by_name,
        }


def last4(secret: str) -> str:
    """The end of a secret shown to admins, or "" for a secret too short to show any of it safely."""
    return secret[-4:] if len(secret) >= SECRET_LENGTH[0] else ""


def _int_in(name: str, value: object, bounds: tuple[int, int], code: str) -> int:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{name} must be a whole number from {low} to {high}", code=code)
    return value


def check_name(name: object) -> str:
    """An action's name: lower-case letters, digits and ``_``, starting with a letter, at most 64."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise InvalidInput(
            "the name must be 1–64 lower-case letters, digits or _, starting with a letter", code="bad_action_name"
        )
    return name


def check_fields(values: dict[str, object]) -> dict[str, object]:
    """Check the given fields (any subset of an action's) and return them normalised.

    The URL's scheme and form are checked here; whether its host is a public address is checked by
    ``ssrf.check_url`` when the action is saved, which needs a DNS lookup.
    """
    checked: dict[str, object] = {}
    for name, value in values.items():
        if name == "url":
            if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_URL:
                raise InvalidInput(f"the URL must be 1–{MAX_URL} characters", code="bad_url")
            checked[name] = value.strip()
        elif name == "secret":
            low, high = SECRET_LENGTH
            if not isinstance(value, str) or not low <= len(value) <= high or value != value.strip():
                raise InvalidInput(
                    f"the secret must be {low}–{high} characters without spaces at either end", code="bad_secret"
                )
            checked[name] = value
        elif name == "timeout_ms":
            checked[name] = _int_in(name, value, TIMEOUT_MS, "bad_timeout")
        elif name == "max_attempts":
            checked[name] = _int_in(name, value, ATTEMPTS, "bad_max_attempts")
        elif name in ("allow_private", "enabled"):
            if not isinstance(value, bool):
                raise InvalidInput(f"{name} must be true or false", code="bad_action_field")
            checked[name] = value
        elif name == "description":
            if not isinstance(value, str) or len(value) > MAX_DESCRIPTION:
                raise InvalidInput(
                    f"the description must be at most {MAX_DESCRIPTION} characters", code="bad_action_field"
                )
            checked[name] = value.strip()
        else:
            raise InvalidInput(f"unknown field: {name}", code="bad_action_field")
    return checked
