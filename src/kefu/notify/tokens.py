"""Signed tokens in the links of e-mails: unsubscribe (opt out) and confirm an e-mail address.

A link must work without a login, for years, from any mail client, and must not let anyone opt out or
verify someone else: the token is the payload and an HMAC-SHA256 of it under the server secret, with
the purpose inside the MAC so an unsubscribe token can never serve as a verification token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

UNSUBSCRIBE = "unsubscribe"
VERIFY_EMAIL = "verify-email"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, purpose: str, payload: str) -> str:
    return _b64(hmac.new(secret.encode(), f"notify:{purpose}:{payload}".encode(), hashlib.sha256).digest())


def make(secret: str, purpose: str, payload: str) -> str:
    """A token carrying ``payload`` for ``purpose``."""
    return f"{_b64(payload.encode())}.{_mac(secret, purpose, payload)}"


def read(secret: str, purpose: str, token: str) -> str | None:
    """The payload of a genuine token for ``purpose``; None for anything forged, altered or malformed."""
    encoded, _, mac = token.partition(".")
    if not encoded or not mac or len(token) > 600:
        return None
    try:
        payload = _unb64(encoded).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if hmac.compare_digest(mac, _mac(secret, purpose, payload)) else None
