"""The fault switch: make one action fail (HTTP 500) or answer slowly, to show kefu's retries and
its 'system unavailable' path in a demo or a test. Changed only from this machine (loopback)."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import ip_address
from typing import Literal

Mode = Literal["none", "error", "slow"]
MAX_DELAY_S = 60.0


@dataclass(frozen=True, slots=True)
class Fault:
    """What one action does instead of answering normally."""

    mode: Mode
    delay_s: float = 0.0


class Faults:
    """The faults in force, by action name (kept in memory: a restart heals everything)."""

    def __init__(self) -> None:
        self._by_action: dict[str, Fault] = {}

    def set(self, action: str, mode: Mode, delay_s: float = 0.0) -> None:
        """Switch a fault on (``error`` or ``slow``) or off (``none``)."""
        if mode == "none":
            self._by_action.pop(action, None)
        else:
            self._by_action[action] = Fault(mode, min(max(delay_s, 0.0), MAX_DELAY_S))

    def get(self, action: str) -> Fault | None:
        """The fault of ``action``, if any."""
        return self._by_action.get(action)

    def clear(self) -> None:
        """Switch every fault off."""
        self._by_action.clear()

    def as_json(self) -> dict[str, dict[str, object]]:
        """The faults in force, for GET /api/faults and the landing page."""
        return {name: {"mode": f.mode, "delay_s": f.delay_s} for name, f in sorted(self._by_action.items())}


def is_loopback(host: str | None) -> bool:
    """True for a client on this machine (127.0.0.0/8 or ::1)."""
    if not host:
        return False
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False
