"""How flows reach the company's system: through ``kefu.integrations`` (signed HTTP, idempotent).

Parameters filled from sensitive slots (codes, card numbers) are masked in the integration log.
"""

from __future__ import annotations

from typing import Any

from kefu import integrations
from kefu.context import Context
from kefu.flows.engine import CallResult

# Parameter names whose values are secrets wherever a flow sends them.
SENSITIVE_PARAMS = frozenset({"code", "id_card", "bank_card", "card_no", "otp", "pin"})


async def call_action(
    ctx: Context, action: str, params: dict[str, str], key: str, context: dict[str, Any]
) -> CallResult:
    """Call ``action`` of the company's system and return what it answered."""
    outcome = await integrations.call(
        ctx, action, params, idempotency_key=key, context=context, sensitive=SENSITIVE_PARAMS
    )
    return CallResult(outcome.kind, dict(outcome.data), outcome.message, outcome.backend_ms)
