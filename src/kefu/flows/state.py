"""A run's state as stored (JSON in ``flow_runs.state``), and what one turn of a flow produces."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from kefu.flows.model import Handover


@dataclass(slots=True)
class RunState:
    """Where a run is and what it knows. Sensitive slot values live here only while the run is active."""

    step: str
    slots: dict[str, str] = field(default_factory=dict)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    attempts: int = 0  # invalid answers at the current step
    visits: dict[str, int] = field(default_factory=dict)  # times each step was entered (idempotency keys)
    waiting: bool = False  # waiting for the customer's answer at ``step``
    calls: list[dict[str, Any]] = field(default_factory=list)  # what the company's system answered

    def to_json(self) -> str:
        """The stored form."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> RunState:
        """Read the stored form."""
        data = json.loads(text)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True, slots=True)
class Said:
    """A message the flow sends, with its structured parts (buttons, input hints) in ``meta``."""

    text: str
    meta: dict[str, Any]


@dataclass(slots=True)
class Progress:
    """One turn of a flow: what it said, its new state, and how it ended if it did."""

    said: list[Said]
    state: RunState
    ended: str | None = None  # resolved, cancelled, ticket, handed_over
    reason: str | None = None  # why it stopped (the summary's "why")
    handover: Handover | None = None
    secret_input: bool = False  # the next customer message answers a sensitive question
    backend_ms: float = 0.0  # time spent waiting for the company's system this turn
