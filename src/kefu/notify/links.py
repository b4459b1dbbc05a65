"""The URLs notifications carry: kefu's public address, the customer's view, unsubscribe and confirm."""

from __future__ import annotations

from urllib.parse import quote

from kefu.config import Settings
from kefu.notify import tokens


def public_url(settings: Settings) -> str:
    """Where customers reach kefu (``KEFU_PUBLIC_URL``, else the address it listens on)."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host  # noqa: S104
    return f"http://{host}:{settings.port}"


def chat(settings: Settings) -> str:
    """The customer's chat (a 留言 answer can be followed up there)."""
    return f"{public_url(settings)}/widget"


def ticket(settings: Settings, number: str) -> str:
    """The customer's view of a ticket in the widget (我的工单)."""
    return f"{public_url(settings)}/widget?ticket={quote(number)}"


def unsubscribe(settings: Settings, customer_id: int) -> str:
    """The opt-out link every e-mail carries (also its ``List-Unsubscribe`` header)."""
    token = tokens.make(settings.secret_key, tokens.UNSUBSCRIBE, str(customer_id))
    return f"{public_url(settings)}/notify/unsubscribe?token={token}"


def verify_email(settings: Settings, customer_id: int, email: str) -> str:
    """The link that confirms ``email`` as the customer's address (void once the address changes)."""
    token = tokens.make(settings.secret_key, tokens.VERIFY_EMAIL, f"{customer_id}:{email}")
    return f"{public_url(settings)}/notify/verify?token={token}"
