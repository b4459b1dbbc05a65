"""The message writer: customer and agent messages stored in batches, each answered after its commit.

Why: through the ORM one message cost ~2 ms of CPU in five statements and two transactions, while the
same rows through the driver cost microseconds, and sends that share one commit cost less still (group
commit, as in Datasette's one write thread per database). So sends queue here, and one writer per
database takes whatever is queued and, in ONE transaction per batch:

1. reads, with the write lock held, the conversations involved: their scope and ``last_seq``;
2. asks each send's ``check`` (the access policy, a pure function of the scope) if it may write;
3. numbers and inserts the allowed messages; a known ``client_msg_id`` is answered with the original;
4. writes each conversation's new ``last_seq`` and activity time; commits;
5. answers every send of the batch. Nothing is answered before the commit that holds it, and a
   refused send writes nothing.

The engine-specific halves (a thread with its own ``sqlite3`` connection; an ``asyncpg`` task) live in
``message_writer_sqlite`` and ``message_writer_pg``; this module holds what they share. Overload slows
callers (a bounded number of sends in flight) and, past ``wait_seconds``, refuses them with the
retryable :class:`~kefu.errors.Overloaded`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from kefu.conversations.status import ConversationScope, Status
from kefu.errors import Overloaded

log = logging.getLogger(__name__)

Outcome = Literal["created", "duplicate", "refused"]


@dataclass(frozen=True, slots=True)
class NewAttachment:
    """An uploaded file's row, stored with its message (the file itself is already on disk)."""

    filename: str
    content_type: str
    size: int
    sha256: str
    storage_path: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewMessage:
    """One send. ``check`` runs inside the batch's transaction, in the writer's thread: keep it pure."""

    conversation_id: int
    sender_kind: str
    sender_user_id: int | None
    sender_name: str
    text: str
    client_msg_id: str | None
    meta: str | None
    created_at: datetime
    check: Callable[[ConversationScope], bool]
    attachment: NewAttachment | None = None


@dataclass(frozen=True, slots=True)
class StoredAttachment:
    """An attachment as stored."""

    id: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message as stored (with its sender's name and attachment, so no one has to load it again)."""

    id: int
    conversation_id: int
    seq: int
    sender_kind: str
    sender_user_id: int | None
    sender_name: str
    text: str
    client_msg_id: str | None
    meta: str | None
    created_at: datetime
    attachment: StoredAttachment | None


@dataclass(frozen=True, slots=True)
class Written:
    """The answer to one send: ``created`` or ``duplicate`` (then ``message`` is set) or ``refused``.

    ``scope`` is the conversation as the batch saw it (None: no such conversation). A refused send
    that repeats a stored ``client_msg_id`` carries that original in ``message``.
    """

    outcome: Outcome
    message: StoredMessage | None
    scope: ConversationScope | None


@dataclass(slots=True)
class ConversationRow:
    """A conversation read at the start of a batch."""

    scope: ConversationScope
    last_seq: int

    @classmethod
    def of(
        cls, customer_id: int, channel: str, status: str, assignee_id: int | None, group_id: int | None, last_seq: int
    ) -> ConversationRow:
        """From the columns the engines read (in this order)."""
        return cls(ConversationScope(customer_id, Status(status), assignee_id, group_id, channel), last_seq)


@dataclass(slots=True)
class Advance:
    """How a batch moves one conversation on: its new ``last_seq``, the time of its last message and,
    if an agent replied, the time of the first such reply (``first_response_at`` is written once)."""

    seq: int
    at: datetime
    first_agent_at: datetime | None


@dataclass(slots=True)
class Plan:
    """What a batch will do: per send an outcome, and per conversation its new ``last_seq``."""

    seqs: list[int | None] = field(default_factory=list)  # the new message's seq, None if not inserted
    outcomes: list[Outcome] = field(default_factory=list)
    same_as: dict[int, int] = field(default_factory=dict)  # send index -> index of the batch's original
    advances: dict[int, Advance] = field(default_factory=dict)


def plan_batch(
    batch: Sequence[NewMessage],
    conversations: dict[int, ConversationRow],
    originals: dict[tuple[int, str], StoredMessage],
) -> Plan:
    """Decide each send of a batch: refused (no conversation, or ``check`` says no), a duplicate of a
    stored or earlier message in the batch, or created with the conversation's next ``seq``."""
    plan = Plan()
    first_of: dict[tuple[int, str], int] = {}
    next_seq = {cid: row.last_seq for cid, row in conversations.items()}
    for index, send in enumerate(batch):
        row = conversations.get(send.conversation_id)
        key = (send.conversation_id, send.client_msg_id) if send.client_msg_id is not None else None
        outcome: Outcome
        seq = None
        if row is None or not send.check(row.scope):
            outcome = "refused"
        elif key is not None and key in originals:
            outcome = "duplicate"
        elif key is not None and key in first_of:
            outcome = "duplicate"
            plan.same_as[index] = first_of[key]
        else:
            outcome = "created"
            seq = next_seq[send.conversation_id] + 1
            next_seq[send.conversation_id] = seq
            advance = plan.advances.get(send.conversation_id)
            if advance is None:
                advance = plan.advances[send.conversation_id] = Advance(seq, send.created_at, None)
            advance.seq, advance.at = seq, send.created_at
            if send.sender_kind == "agent" and advance.first_agent_at is None:
                advance.first_agent_at = send.created_at
            if key is not None:
                first_of[key] = index
        plan.outcomes.append(outcome)
        plan.seqs.append(seq)
    return plan


def results_of(
    batch: Sequence[NewMessage],
    plan: Plan,
    conversations: dict[int, ConversationRow],
    originals: dict[tuple[int, str], StoredMessage],
    created: dict[int, StoredMessage],
) -> list[Written]:
    """The answers of a committed batch (``created`` maps send index to its stored message)."""
    out: list[Written] = []
    for index, send in enumerate(batch):
        row = conversations.get(send.conversation_id)
        scope = row.scope if row is not None else None
        key = (send.conversation_id, send.client_msg_id) if send.client_msg_id is not None else None
        outcome = plan.outcomes[index]
        if outcome == "created":
            message: StoredMessage | None = created[index]
        elif index in plan.same_as:
            message = created[plan.same_as[index]]
        else:
            message = originals.get(key) if key is not None else None
        out.append(Written(outcome, message, scope))
    return out


def originals_of(
    rows: Sequence[Sequence[Any]], parse_time: Callable[[Any], datetime]
) -> dict[tuple[int, str], StoredMessage]:
    """Earlier messages found by ``SELECT_ORIGINALS`` (either engine), keyed by conversation and
    ``client_msg_id``; ``parse_time`` turns the engine's timestamp into a datetime."""
    found: dict[tuple[int, str], StoredMessage] = {}
    for row in rows:
        attachment = StoredAttachment(int(row[10]), row[11], row[12], int(row[13])) if row[10] is not None else None
        found[(int(row[1]), row[7])] = StoredMessage(
            id=int(row[0]),
            conversation_id=int(row[1]),
            seq=int(row[2]),
            sender_kind=row[3],
            sender_user_id=row[4],
            sender_name=row[5],
            text=row[6],
            client_msg_id=row[7],
            meta=row[8],
            created_at=parse_time(row[9]),
            attachment=attachment,
        )
    return found


def stored_of(send: NewMessage, message_id: int, seq: int, attachment_id: int | None) -> StoredMessage:
    """The stored form of a send just inserted."""
    attachment = None
    if send.attachment is not None and attachment_id is not None:
        a = send.attachment
        attachment = StoredAttachment(attachment_id, a.filename, a.content_type, a.size)
    return StoredMessage(
        id=message_id,
        conversation_id=send.conversation_id,
        seq=seq,
        sender_kind=send.sender_kind,
        sender_user_id=send.sender_user_id,
        sender_name=send.sender_name,
        text=send.text,
        client_msg_id=send.client_msg_id,
        meta=send.meta,
        created_at=send.created_at,
        attachment=attachment,
    )


class MessageWriter:
    """What ``conversations`` calls: ``await writer.write(send)``. Engine halves implement ``_start``,
    ``_enqueue`` and ``_stop``; results come back through :meth:`_resolve` on the event loop."""

    def __init__(self, *, max_in_flight: int = 2000, wait_seconds: float = 2.0, max_batch: int = 256) -> None:
        self.max_batch = max_batch
        self._wait_seconds = wait_seconds
        self._room = asyncio.Semaphore(max_in_flight)
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        """Open the writer's connection and start it."""
        self._loop = asyncio.get_running_loop()
        await self._start()

    async def close(self) -> None:
        """Finish what is queued, then stop."""
        await self._stop()

    async def write(self, send: NewMessage) -> Written:
        """Queue a send and wait for its committed answer; Overloaded if no room came within the wait."""
        if not self._room.locked():
            await self._room.acquire()  # room now: no timer on the hot path
        else:
            try:
                await asyncio.wait_for(self._room.acquire(), self._wait_seconds)
            except TimeoutError:
                raise Overloaded("too many messages in flight; send again shortly") from None
        try:
            assert self._loop is not None, "MessageWriter.start() was not called"
            future: asyncio.Future[Written] = self._loop.create_future()
            self._enqueue(send, future)
            return await future
        finally:
            self._room.release()

    @staticmethod
    def _resolve(futures: Sequence[asyncio.Future[Written]], results: Sequence[Written] | BaseException) -> None:
        """Answer a batch (on the event loop): its results, or the error that stopped it."""
        for index, future in enumerate(futures):
            if future.done():
                continue
            if isinstance(results, BaseException):
                future.set_exception(results)
            else:
                future.set_result(results[index])

    async def _start(self) -> None:
        raise NotImplementedError

    def _enqueue(self, send: NewMessage, future: asyncio.Future[Written]) -> None:
        raise NotImplementedError

    async def _stop(self) -> None:
        raise NotImplementedError


def open_writer(database_url: str, *, max_in_flight: int = 2000, wait_seconds: float = 2.0) -> MessageWriter:
    """The writer for this database (not started: ``await writer.start()``)."""
    options = {"max_in_flight": max_in_flight, "wait_seconds": wait_seconds}
    if database_url.startswith("sqlite"):
        from kefu.storage.message_writer_sqlite import SQLiteMessageWriter  # noqa: PLC0415 (engine-specific)

        return SQLiteMessageWriter(database_url, **options)
    from kefu.storage.message_writer_pg import PostgresMessageWriter  # noqa: PLC0415 (engine-specific)

    return PostgresMessageWriter(database_url, **options)
