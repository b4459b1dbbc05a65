"""The unit of work: one transaction, and the events it produced, published only after commit."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

if TYPE_CHECKING:
    from kefu.bus.base import EventBus
    from kefu.events import Event

SessionFactory: TypeAlias = async_sessionmaker[AsyncSession]


class UnitOfWork:
    """Wraps one database transaction; ``emit`` queues events that leave only once it commits.

    Use as ``async with UnitOfWork(factory, bus) as uow: ...; await uow.commit()``. Leaving the block
    without committing rolls back and drops the queued events.
    """

    def __init__(self, factory: SessionFactory, bus: EventBus) -> None:
        self._factory = factory
        self._bus = bus
        self._events: list[Event] = []
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        """The open session (only valid inside the ``async with`` block)."""
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its async with block")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        self._session = self._factory()
        self._events = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        if session is not None:
            # close() rolls back anything uncommitted without expiring loaded objects, so rows read
            # inside the block stay usable (detached) after it.
            await session.close()
        self._events = []

    def emit(self, event: Event) -> None:
        """Queue an event to publish after a successful commit."""
        self._events.append(event)

    async def commit(self) -> None:
        """Commit the transaction, then publish the queued events in order."""
        await self.session.commit()
        events, self._events = self._events, []
        for event in events:
            await self._bus.publish(event)

    async def rollback(self) -> None:
        """Roll back and forget queued events (the unit can then be used again)."""
        await self.session.rollback()
        self._events = []
