"""The business system of the demo company 示例科技 that ``kefu demo`` starts beside kefu.

It is a small separate app with its own store (users, logins, orders, payments, wallet transfers,
shipments, devices, repairs) that answers kefu's signed action calls the way a real backend would, and
shows the SMS and e-mails it "sends" on an outbox page. See docs/demo.md.
"""

from __future__ import annotations

ACTIONS: tuple[str, ...] = (
    "find_user",
    "send_code",
    "verify_code",
    "send_reset_link",
    "freeze_account",
    "recent_logins",
    "sign_out_devices",
    "recent_orders",
    "find_order",
    "redeliver",
    "request_refund",
    "transfer_status",
    "shipment_status",
    "urge_shipment",
    "warranty_check",
    "create_repair",
    "repair_progress",
)


def action_url(base_url: str, name: str) -> str:
    """The URL kefu calls for ``name`` on the demo system at ``base_url`` (``http://127.0.0.1:8001``)."""
    if name not in ACTIONS:
        raise ValueError(f"unknown demo action {name!r}")
    return f"{base_url.rstrip('/')}/api/actions/{name}"
