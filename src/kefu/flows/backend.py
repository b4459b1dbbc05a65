"""How flows reach the company's system: through ``kefu.integrations`` (signed HTTP, idempotent)."""

from __future__ import annotations

from typing import Any

from kefu.context import Context
from kefu.flows.engine import CallResult


async def call_action(
    ctx: Context, action: str, params: dict[str, str], key: str, context: dict[str, Any]
) -> CallResult:
    """Call ``action`` of the company's system (placeholder until kefu.integrations lands)."""
    del ctx, params, key, context
    return CallResult("unavailable", {}, f"action {action} is not configured")
