"""The one error hierarchy. Domain code raises these; ``web/errors.py`` maps them to HTTP."""

from __future__ import annotations


class KefuError(Exception):
    """Base of every expected failure; ``code`` is stable and machine-readable."""

    code = "error"
    status = 400

    def __init__(
        self, message: str, *, code: str | None = None, details: list[dict[str, object]] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code is not None:
            self.code = code


class InvalidInput(KefuError):
    """The request is well-formed but its content is not acceptable (empty, too long, bad type)."""

    code = "invalid_input"
    status = 422


class NotAuthenticated(KefuError):
    """No valid session or visitor token."""

    code = "not_authenticated"
    status = 401


class PermissionDenied(KefuError):
    """Authenticated, but not allowed to do this."""

    code = "forbidden"
    status = 403


class NotFound(KefuError):
    """The thing does not exist, or the caller may not know it exists."""

    code = "not_found"
    status = 404


class Conflict(KefuError):
    """The state changed under the caller (e.g. someone else took the conversation)."""

    code = "conflict"
    status = 409


class TooLarge(KefuError):
    """Payload over a configured size limit."""

    code = "too_large"
    status = 413


class Overloaded(KefuError):
    """The server is too busy to take this now; nothing was stored, and the same request may be retried.

    WebSocket clients get an ``error`` frame with ``retryable: true`` and resend with the same
    ``client_msg_id`` (so a retry can never store a message twice).
    """

    code = "overloaded"
    status = 503
