"""What the worker hands a sender, and how a sender says an attempt failed.

A sender either returns (the provider accepted the message) or raises :class:`SendError`, saying
whether trying again later may help (a busy server, a rate limit, a network fault) or not (a refused
address, a wrong key): the worker retries the first with backoff and gives up on the second at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One notification as a sender needs it."""

    id: int
    kind: str
    channel: str
    recipient: str
    subject: str
    body: str
    params: Mapping[str, str] = field(default_factory=dict)
    unsubscribe_url: str = ""


class SendError(Exception):
    """An attempt failed; ``permanent`` when trying again cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Sender(Protocol):
    """Delivers one notification of its medium (e-mail or SMS)."""

    async def send(self, message: Outgoing) -> None:
        """Hand the message over; raise :class:`SendError` when that failed."""
        ...
