"""The SQLite half of the message writer: one thread with its own ``sqlite3`` connection.

SQLite has one writer at a time anyway; a dedicated thread that takes every queued send into one
``BEGIN IMMEDIATE … COMMIT`` turns that limit into group commit. The ORM engine keeps writing
everything else; both take the same file lock, so they never interleave inside a transaction.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from kefu.storage.message_writer import (
    ConversationRow,
    MessageWriter,
    NewMessage,
    StoredMessage,
    Written,
    originals_of,
    plan_batch,
    results_of,
    stored_of,
)

_Item = tuple[NewMessage, "asyncio.Future[Written]"]

SELECT_CONVERSATIONS = (
    "SELECT id, customer_id, channel, status, assignee_id, skill_group_id, last_seq FROM conversations WHERE id IN "
)
SELECT_ORIGINALS = (
    "SELECT m.id, m.conversation_id, m.seq, m.sender_kind, m.sender_user_id, COALESCE(u.display_name, ''), m.text,"
    " m.client_msg_id, m.meta, m.created_at, a.id, a.filename, a.content_type, a.size"
    " FROM messages m LEFT JOIN users u ON u.id = m.sender_user_id LEFT JOIN attachments a ON a.id = m.attachment_id"
    " WHERE (m.conversation_id, m.client_msg_id) IN (VALUES "
)
INSERT_ATTACHMENT = (
    "INSERT INTO attachments (conversation_id, filename, content_type, size, sha256, storage_path, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"
)
INSERT_MESSAGE = (
    "INSERT INTO messages (conversation_id, seq, sender_kind, sender_user_id, text, attachment_id, client_msg_id,"
    " meta, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)
UPDATE_CONVERSATION = (
    "UPDATE conversations SET last_seq = ?, updated_at = ?, last_message_at = ?,"
    " first_response_at = COALESCE(first_response_at, ?) WHERE id = ?"
)


def to_sqlite(value: datetime) -> str:
    """A UTC datetime in the text form SQLAlchemy's SQLite dialect stores (and sorts) it in."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _or_none(value: datetime | None) -> str | None:
    return to_sqlite(value) if value is not None else None


def from_sqlite(value: str) -> datetime:
    """The stored text back as an aware UTC datetime."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _path_of(database_url: str) -> str:
    # sqlite+aiosqlite:///relative/or//absolute/path.db -> the file path sqlite3 opens
    return database_url.split(":///", 1)[1]


class SQLiteMessageWriter(MessageWriter):
    """Batches queued sends into one transaction on a thread of its own."""

    def __init__(self, database_url: str, **options: Any) -> None:
        super().__init__(**options)
        self._path = _path_of(database_url)
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    async def _start(self) -> None:
        connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False, timeout=30)
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=30000", "synchronous=NORMAL"):
            connection.execute(f"PRAGMA {pragma}")
        self._thread = threading.Thread(target=self._run, args=(connection,), name="kefu-message-writer", daemon=True)
        self._thread.start()

    def _enqueue(self, send: NewMessage, future: asyncio.Future[Written]) -> None:
        self._queue.put((send, future))

    async def _stop(self) -> None:
        if self._thread is None:
            return
        self._queue.put(None)
        await asyncio.to_thread(self._thread.join)
        self._thread = None

    def _run(self, connection: sqlite3.Connection) -> None:
        loop = self._loop
        assert loop is not None
        try:
            while True:
                first = self._queue.get()
                if first is None:
                    return
                batch = [first]
                stop = False
                while len(batch) < self.max_batch:
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if item is None:
                        stop = True
                        break
                    batch.append(item)
                futures = [future for _, future in batch]
                try:
                    results: list[Written] | BaseException = write_batch(connection, [send for send, _ in batch])
                except Exception as exc:  # answered to each waiting send; the writer carries on
                    results = exc
                loop.call_soon_threadsafe(self._resolve, futures, results)
                if stop:
                    return
        finally:
            connection.close()


def write_batch(connection: sqlite3.Connection, batch: Sequence[NewMessage]) -> list[Written]:
    """Store a batch in one transaction and return its answers (after the commit)."""
    cursor = connection.cursor()
    cursor.execute("BEGIN IMMEDIATE")
    try:
        ids = sorted({send.conversation_id for send in batch})
        rows = cursor.execute(SELECT_CONVERSATIONS + f"({','.join('?' * len(ids))})", ids).fetchall()
        conversations = {int(r[0]): ConversationRow.of(int(r[1]), r[2], r[3], r[4], r[5], int(r[6])) for r in rows}
        originals = _originals(cursor, batch)
        plan = plan_batch(batch, conversations, originals)
        created: dict[int, StoredMessage] = {}
        for index, send in enumerate(batch):
            seq = plan.seqs[index]
            if seq is None:
                continue
            attachment_id = None
            if send.attachment is not None:
                a = send.attachment
                cursor.execute(
                    INSERT_ATTACHMENT,
                    (
                        send.conversation_id,
                        a.filename,
                        a.content_type,
                        a.size,
                        a.sha256,
                        a.storage_path,
                        to_sqlite(a.created_at),
                    ),
                )
                attachment_id = int(cursor.fetchone()[0])
            cursor.execute(
                INSERT_MESSAGE,
                (
                    send.conversation_id,
                    seq,
                    send.sender_kind,
                    send.sender_user_id,
                    send.text,
                    attachment_id,
                    send.client_msg_id,
                    send.meta,
                    to_sqlite(send.created_at),
                ),
            )
            created[index] = stored_of(send, int(cursor.fetchone()[0]), seq, attachment_id)
        cursor.executemany(
            UPDATE_CONVERSATION,
            [
                (
                    a.seq,
                    to_sqlite(a.at),
                    to_sqlite(a.at),
                    to_sqlite(a.first_agent_at) if a.first_agent_at else None,
                    cid,
                )
                for cid, a in plan.advances.items()
            ],
        )
        cursor.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            cursor.execute("ROLLBACK")
        raise
    return results_of(batch, plan, conversations, originals, created)


def _originals(cursor: sqlite3.Cursor, batch: Sequence[NewMessage]) -> dict[tuple[int, str], StoredMessage]:
    """Stored messages whose ``client_msg_id`` a send of the batch repeats (one indexed query)."""
    keys = sorted({(s.conversation_id, s.client_msg_id) for s in batch if s.client_msg_id is not None})
    if not keys:
        return {}
    params = [value for key in keys for value in key]
    rows = cursor.execute(SELECT_ORIGINALS + ",".join(["(?, ?)"] * len(keys)) + ")", params).fetchall()
    return originals_of(rows, from_sqlite)
