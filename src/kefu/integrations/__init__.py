"""The company's business system: the action contract (docs/integrations.md) and kefu's signed client.

Flows call ``await call(ctx, action, params, idempotency_key=..., context=...)`` and branch on the
``Outcome``'s ``kind``: ``ok``, ``not_found``, ``refused`` or ``unavailable``.
"""

from kefu.integrations.client import Outcome, OutcomeKind, call
from kefu.integrations.config import ActionConfig, ActionView
from kefu.integrations.signing import sign, verify
from kefu.integrations.ssrf import UnsafeURL, check_url

__all__ = ["ActionConfig", "ActionView", "Outcome", "OutcomeKind", "UnsafeURL", "call", "check_url", "sign", "verify"]
