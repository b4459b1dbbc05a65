"""Which storage failures are transient: the request changed nothing and may simply be sent again."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "53300", "55P03", "57P03"})  # serialization, deadlock, busy


def is_transient(exc: BaseException) -> bool:
    """True for a pool that timed out, a locked SQLite file, or PostgreSQL saying "busy, try again"."""
    if isinstance(exc, PoolTimeout):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        exc = exc.orig if isinstance(exc.orig, BaseException) else exc
    if isinstance(exc, sqlite3.OperationalError):
        return "locked" in str(exc) or "busy" in str(exc)
    state = str(getattr(exc, "sqlstate", "") or getattr(exc, "pgcode", ""))
    # Class 08 is a lost connection: the outcome is unknown, and a resend with the same client_msg_id
    # is safe either way.
    return state in TRANSIENT_SQLSTATES or state.startswith("08")
