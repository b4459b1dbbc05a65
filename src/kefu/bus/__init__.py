"""The event bus: an interface with an in-process implementation (Redis comes with multi-node)."""

from kefu.bus.base import Delivery, EventBus, Listener
from kefu.bus.memory import InProcessBus

__all__ = ["Delivery", "EventBus", "InProcessBus", "Listener"]
