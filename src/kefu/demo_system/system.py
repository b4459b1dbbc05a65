"""The parts of one running demo system that its routes share (kept on ``app.state.demo``)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from kefu.clock import Clock
from kefu.demo_system.faults import Faults
from kefu.demo_system.gateway import Gateway
from kefu.demo_system.store import Store


@dataclass(frozen=True, slots=True)
class DemoSystem:
    """Store, clock, fault switch and the action gateway of one app."""

    store: Store
    clock: Clock
    faults: Faults
    gateway: Gateway


def system_of(request: Request) -> DemoSystem:
    """The demo system serving ``request``."""
    system: DemoSystem = request.app.state.demo
    return system
