"""Which status may follow which, and the reopen window."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from kefu.errors import Conflict
from kefu.tickets.status import ALLOWED, TicketStatus, check_transition

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_the_happy_path_is_allowed() -> None:
    path = [TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.RESOLVED, TicketStatus.CLOSED]
    for before, after in itertools.pairwise(path):
        check_transition(before, after, resolved_at=None, now=NOW, reopen_days=7)


def test_nothing_goes_back_to_new() -> None:
    assert all(TicketStatus.NEW not in targets for targets in ALLOWED.values())
    with pytest.raises(Conflict):
        check_transition(TicketStatus.OPEN, TicketStatus.NEW, resolved_at=None, now=NOW, reopen_days=7)


def test_reopen_within_the_window_only() -> None:
    check_transition(
        TicketStatus.CLOSED, TicketStatus.OPEN, resolved_at=NOW - timedelta(days=6), now=NOW, reopen_days=7
    )
    with pytest.raises(Conflict) as caught:
        check_transition(
            TicketStatus.RESOLVED, TicketStatus.OPEN, resolved_at=NOW - timedelta(days=8), now=NOW, reopen_days=7
        )
    assert caught.value.code == "reopen_expired"
    with pytest.raises(Conflict):
        check_transition(TicketStatus.CLOSED, TicketStatus.PENDING, resolved_at=NOW, now=NOW, reopen_days=7)
