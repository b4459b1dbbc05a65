"""Signed visitor tokens and random session tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid

_PREFIX = "v1"


def _sign(secret: str, visitor_id: str) -> str:
    digest = hmac.new(secret.encode(), f"visitor:{visitor_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def new_visitor_token(secret: str) -> tuple[str, str]:
    """A fresh visitor id and the token that proves it: ``v1.<id>.<HMAC-SHA256>``."""
    visitor_id = uuid.uuid4().hex
    return visitor_id, f"{_PREFIX}.{visitor_id}.{_sign(secret, visitor_id)}"


def read_visitor_token(secret: str, token: str) -> str | None:
    """The visitor id inside a genuine token, or None for anything forged or malformed."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != _PREFIX or not parts[1] or len(parts[1]) > 64:
        return None
    if not hmac.compare_digest(parts[2], _sign(secret, parts[1])):
        return None
    return parts[1]


def new_session_token() -> str:
    """A random token for a session cookie."""
    return secrets.token_urlsafe(32)


def hash_session_token(token: str) -> str:
    """What the database keeps of a session token (a stolen database yields no live cookies)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_csrf_token() -> str:
    """A random CSRF token bound to a session."""
    return secrets.token_urlsafe(24)
