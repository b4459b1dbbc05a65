"""The signature of kefu's calls to the company's backend (docs/integrations.md, "Signature").

kefu signs ``f"{timestamp}.".encode() + body`` with HMAC-SHA256 under the action's shared secret and
sends ``X-Kefu-Timestamp`` and ``X-Kefu-Signature: sha256=<hex>``. Signing the timestamp with the body
lets the backend refuse replays of an old request; signing the exact bytes sent (not re-serialised
JSON) means both sides agree without a canonical form.

This module imports only the standard library on purpose: docs/integrations.md prints ``verify`` as
the code a company pastes into its backend, and a test checks the two stay the same.
"""

from __future__ import annotations

import hashlib
import hmac
import time

PREFIX = "sha256="
MAX_SKEW_S = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Kefu-Signature`` header value for ``body`` sent at ``timestamp`` (unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    now: float | None = None,
    max_skew_s: int = MAX_SKEW_S,
) -> bool:
    """True when ``signature`` is kefu's for ``body`` at ``timestamp``, and that time is within
    ``max_skew_s`` seconds of ``now`` (default: this machine's clock). Compares in constant time."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - sent_at) > max_skew_s:
        return False
    expected = hmac.new(secret.encode(), f"{sent_at}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(PREFIX + expected, signature)
