"""The console's test run: a flow driven turn by turn, against the configured company system, without
a conversation. The same engine and interruption rules as live runs; the state travels with the client
(an admin's own test), and each test run has its own id so idempotency keys never collide."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from kefu.flows import summary as summaries
from kefu.flows import versions
from kefu.flows.runtime import Customer, FlowRuntime, SideAnswer, Switch
from kefu.flows.state import Progress, RunState
from kefu.security.principals import Principal


@dataclass(frozen=True, slots=True)
class SimTurn:
    """One turn of a test run."""

    run_id: int
    said: list[dict[str, Any]]
    state: str | None  # None once the flow ended
    ended: str | None
    reason: str | None
    summary: dict[str, Any] | None
    switch_to: str | None
    backend_ms: float


async def turn(
    runtime: FlowRuntime,
    principal: Principal,
    source: str,
    *,
    text: str,
    state: str | None,
    run_id: int | None,
    locale: str,
    side: SideAnswer,
) -> SimTurn:
    """Start the flow ``source`` describes (no ``state``) or answer its waiting step with ``text``."""
    versions.check_staff(principal)
    flow = versions.check_source(source)
    run_id = run_id or -secrets.randbelow(2**40) - 1  # negative: never a real run's id
    engine = runtime.engine(flow, run_id, Customer(0, 0, locale, "web"))
    if state is None:
        result: Progress | Switch = await engine.start(text)
    else:
        result = await runtime.respond(engine, RunState.from_json(state), text, side)
    switch_to = result.key if isinstance(result, Switch) else None
    progress = result.ending if isinstance(result, Switch) else result
    summary = summaries.build(flow, 0, progress.state, progress.reason, locale) if progress.ended else None
    return SimTurn(
        run_id,
        [{"text": s.text, "meta": s.meta} for s in progress.said],
        None if progress.ended else progress.state.to_json(),
        progress.ended,
        progress.reason,
        summary,
        switch_to,
        progress.backend_ms,
    )
