"""Checks kefu's request signatures the way the company's real backend would (docs/integrations.md).

A request is genuine when its timestamp is within five minutes of our clock and
``X-Kefu-Signature`` is ``sha256=`` + hex HMAC-SHA256(secret, f"{timestamp}.".encode() + body):
the timestamp inside the MAC stops a captured request being replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

WINDOW_S = 300
PREFIX = "sha256="


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header value a caller holding ``secret`` sends for ``body`` at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return PREFIX + mac.hexdigest()


def verify(secret: str, timestamp: str | None, signature_header: str | None, body: bytes, now: datetime) -> bool:
    """True when the timestamp is fresh and the signature matches (compared in constant time)."""
    if not timestamp or not signature_header or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    stamp = int(timestamp)
    if abs(now.timestamp() - stamp) > WINDOW_S:
        return False
    return hmac.compare_digest(signature(secret, stamp, body).encode(), signature_header.strip().encode())
