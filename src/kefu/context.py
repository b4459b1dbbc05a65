"""The services one kefu node runs with, handed to every action (no globals)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kefu.bus.base import EventBus
from kefu.clock import Clock
from kefu.config import Settings
from kefu.integrations.runtime import IntegrationsRuntime
from kefu.storage.message_writer import MessageWriter
from kefu.storage.uow import SessionFactory, UnitOfWork
from kefu.texts.book import TextBook


@dataclass(frozen=True, slots=True)
class Context:
    """Settings, database (sessions for everything, the message writer for customer and agent messages),
    bus and clock, the node's copy of the organisation's texts, and its client for the company's backend."""

    settings: Settings
    sessions: SessionFactory
    bus: EventBus
    clock: Clock
    messages: MessageWriter
    texts: TextBook = field(default_factory=TextBook)
    integrations: IntegrationsRuntime = field(default_factory=IntegrationsRuntime)

    def uow(self) -> UnitOfWork:
        """A new unit of work (one transaction whose events publish after commit)."""
        return UnitOfWork(self.sessions, self.bus)
