"""The hand-over summary an agent sees at the top of the conversation: the flow, what was collected
(sensitive values masked), what the company's system answered, and why the flow stopped."""

from __future__ import annotations

import re
from typing import Any

from kefu.flows import template
from kefu.flows.engine import pick
from kefu.flows.model import Flow, Slot
from kefu.flows.state import RunState


def shown(slot: Slot, value: str) -> str:
    """A collected value as an agent may see it: secrets masked, phones and e-mails partly."""
    if slot.is_sensitive:
        return template.mask(value)
    if slot.type in ("phone", "phone_or_email") and re.fullmatch(r"1\d{10}", value):
        return value[:3] + "****" + value[-4:]
    if slot.type in ("email", "phone_or_email") and "@" in value:
        name, _, domain = value.partition("@")
        return (name[:1] + "***@" + domain) if name else value
    return value


def scrubbed(flow: Flow, state: RunState) -> RunState:
    """The state with sensitive values removed: what is kept once the run has ended."""
    state.slots = {k: v for k, v in state.slots.items() if not (flow.slots.get(k) or Slot()).is_sensitive}
    return state


def build(flow: Flow, version: int, state: RunState, reason: str | None, locale: str) -> dict[str, Any]:
    """The summary (JSON-ready)."""
    collected = []
    for name, value in state.slots.items():
        slot = flow.slots.get(name) or Slot()
        label = pick(slot.label, locale) or name
        collected.append({"slot": name, "label": label, "value": shown(slot, value), "sensitive": slot.is_sensitive})
    return {
        "flow_key": flow.key,
        "flow": pick(flow.name, locale),
        "version": version,
        "step": state.step,
        "reason": reason,
        "collected": collected,
        "calls": [dict(call) for call in state.calls[-12:]],
    }
