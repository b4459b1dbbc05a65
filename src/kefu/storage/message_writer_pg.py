"""The PostgreSQL half of the message writer: one task on the event loop with its own ``asyncpg`` connection.

While one batch's statements and commit are on the wire, new sends queue up and form the next batch,
so the batch grows with the load and every statement is paid once per batch, not once per message:
lock-and-read the conversations, look up repeated ``client_msg_id``s, one multi-row INSERT, one
multi-row UPDATE, COMMIT. Rows are locked in id order, as every other writer locks one row at a time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import asyncpg

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

log = logging.getLogger(__name__)
_Item = tuple[NewMessage, "asyncio.Future[Written]"]

SELECT_CONVERSATIONS = (
    "SELECT id, customer_id, channel, status, assignee_id, skill_group_id, last_seq FROM conversations"
    " WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE"
)
SELECT_ORIGINALS = (
    "SELECT m.id, m.conversation_id, m.seq, m.sender_kind, m.sender_user_id, COALESCE(u.display_name, ''), m.text,"
    " m.client_msg_id, m.meta, m.created_at, a.id, a.filename, a.content_type, a.size"
    " FROM messages m JOIN unnest($1::bigint[], $2::text[]) AS k(cid, cmid)"
    " ON m.conversation_id = k.cid AND m.client_msg_id = k.cmid"
    " LEFT JOIN users u ON u.id = m.sender_user_id LEFT JOIN attachments a ON a.id = m.attachment_id"
)
INSERT_ATTACHMENT = (
    "INSERT INTO attachments (conversation_id, filename, content_type, size, sha256, storage_path, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
)
INSERT_MESSAGES = (
    "INSERT INTO messages (conversation_id, seq, sender_kind, sender_user_id, text, attachment_id, client_msg_id,"
    " meta, created_at) SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::bigint[], $5::text[],"
    " $6::bigint[], $7::text[], $8::text[], $9::timestamptz[]) RETURNING id, conversation_id, seq"
)
UPDATE_CONVERSATIONS = (
    "UPDATE conversations AS c SET last_seq = u.seq, updated_at = u.at, last_message_at = u.at,"
    " first_response_at = COALESCE(c.first_response_at, u.first_agent_at)"
    " FROM unnest($1::bigint[], $2::int[], $3::timestamptz[], $4::timestamptz[]) AS u(id, seq, at, first_agent_at)"
    " WHERE c.id = u.id"
)


def _dsn(database_url: str) -> str:
    scheme, rest = database_url.split("://", 1)
    return "postgresql://" + rest if scheme.startswith("postgres") else database_url


class PostgresMessageWriter(MessageWriter):
    """Batches queued sends into one transaction on a connection of its own."""

    def __init__(self, database_url: str, **options: Any) -> None:
        super().__init__(**options)
        self._dsn = _dsn(database_url)
        self._queue: asyncio.Queue[_Item | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._connection: Any = None

    async def _start(self) -> None:
        self._connection = await asyncpg.connect(self._dsn)
        self._task = asyncio.create_task(self._run(), name="kefu-message-writer")

    def _enqueue(self, send: NewMessage, future: asyncio.Future[Written]) -> None:
        self._queue.put_nowait((send, future))

    async def _stop(self) -> None:
        if self._task is not None:
            self._queue.put_nowait(None)  # what is queued before it is still written
            await self._task
            self._task = None
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def _run(self) -> None:
        stop = False
        while not stop:
            first = await self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.max_batch and not self._queue.empty():
                item = self._queue.get_nowait()
                if item is None:
                    stop = True
                    break
                batch.append(item)
            futures = [future for _, future in batch]
            try:
                if self._connection is None or self._connection.is_closed():
                    self._connection = await asyncpg.connect(self._dsn)
                results: list[Written] | BaseException = await write_batch(
                    self._connection, [send for send, _ in batch]
                )
            except asyncio.CancelledError:
                self._resolve(futures, ConnectionError("message writer stopped"))
                raise
            except Exception as exc:  # answered to each waiting send; the writer carries on
                log.warning("message batch of %d failed: %s", len(batch), exc)
                results = exc
            self._resolve(futures, results)


async def write_batch(connection: Any, batch: Sequence[NewMessage]) -> list[Written]:
    """Store a batch in one transaction and return its answers (after the commit)."""
    async with connection.transaction():
        ids = sorted({send.conversation_id for send in batch})
        rows = await connection.fetch(SELECT_CONVERSATIONS, ids)
        conversations = {int(r[0]): ConversationRow.of(int(r[1]), r[2], r[3], r[4], r[5], int(r[6])) for r in rows}
        originals = await _originals(connection, batch)
        plan = plan_batch(batch, conversations, originals)
        indexes = [i for i, seq in enumerate(plan.seqs) if seq is not None]
        attachment_ids: dict[int, int] = {}
        for index in indexes:
            a = batch[index].attachment
            if a is not None:
                attachment_ids[index] = int(
                    await connection.fetchval(
                        INSERT_ATTACHMENT,
                        batch[index].conversation_id,
                        a.filename,
                        a.content_type,
                        a.size,
                        a.sha256,
                        a.storage_path,
                        a.created_at,
                    )
                )
        created: dict[int, StoredMessage] = {}
        if indexes:
            sends = [batch[i] for i in indexes]
            inserted = await connection.fetch(
                INSERT_MESSAGES,
                [s.conversation_id for s in sends],
                [plan.seqs[i] for i in indexes],
                [s.sender_kind for s in sends],
                [s.sender_user_id for s in sends],
                [s.text for s in sends],
                [attachment_ids.get(i) for i in indexes],
                [s.client_msg_id for s in sends],
                [s.meta for s in sends],
                [s.created_at for s in sends],
            )
            id_of = {(int(r[1]), int(r[2])): int(r[0]) for r in inserted}
            for i in indexes:
                seq = plan.seqs[i]
                assert seq is not None
                send = batch[i]
                created[i] = stored_of(send, id_of[(send.conversation_id, seq)], seq, attachment_ids.get(i))
            advances = list(plan.advances.items())
            await connection.execute(
                UPDATE_CONVERSATIONS,
                [cid for cid, _ in advances],
                [a.seq for _, a in advances],
                [a.at for _, a in advances],
                [a.first_agent_at for _, a in advances],
            )
    return results_of(batch, plan, conversations, originals, created)


async def _originals(connection: Any, batch: Sequence[NewMessage]) -> dict[tuple[int, str], StoredMessage]:
    keys = sorted({(s.conversation_id, s.client_msg_id) for s in batch if s.client_msg_id is not None})
    if not keys:
        return {}
    rows = await connection.fetch(SELECT_ORIGINALS, [k[0] for k in keys], [k[1] for k in keys])
    return originals_of(rows, lambda value: value)
