"""Attachments: type sniffed from content (never trusted from the client), size-checked, stored on disk."""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from kefu.context import Context
from kefu.conversations import actions
from kefu.conversations.views import MessageView
from kefu.errors import InvalidInput, NotFound, TooLarge
from kefu.security.access import load_visible
from kefu.security.principals import Principal
from kefu.storage.message_writer import NewAttachment
from kefu.storage.repositories import messages as message_repo
from kefu.storage.tables import Attachment

ALLOWED_TYPES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
}
MAX_FILENAME = 200


def sniff_type(data: bytes) -> str | None:
    """The content type by magic bytes, or None if it is not a type kefu accepts."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text or "<" in text[:1024].lstrip()[:1]:
        return None  # Markup (HTML, SVG) is refused: served back it could run script.
    return "text/plain"


def safe_filename(name: str, content_type: str) -> str:
    """A display name without path parts or control characters, with the extension of its real type."""
    base = os.path.basename(name.replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>') or "file"
    stem = Path(base).stem[:MAX_FILENAME] or "file"
    return stem + ALLOWED_TYPES[content_type]


@dataclass(frozen=True, slots=True)
class StoredFile:
    """An attachment on disk and where to find it."""

    attachment: NewAttachment
    path: Path


def store_file(ctx: Context, filename: str, data: bytes) -> StoredFile:
    """Check the file's real type and write it under the attachments folder (tickets reuse this)."""
    return _write_file(ctx, filename, data)


def _write_file(ctx: Context, filename: str, data: bytes) -> StoredFile:
    content_type = sniff_type(data)
    if content_type is None:
        raise InvalidInput("file type not allowed (images, PDF and plain text only)", code="bad_file_type")
    relative = Path(ctx.clock.now().strftime("%Y/%m")) / uuid.uuid4().hex
    path = ctx.settings.attachments_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
    row = NewAttachment(
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_path=relative.as_posix(),
        created_at=ctx.clock.now(),
    )
    return StoredFile(row, path)


async def send_file(
    ctx: Context,
    principal: Principal,
    conversation_id: int,
    filename: str,
    data: bytes,
    *,
    text: str = "",
    client_msg_id: str | None = None,
) -> tuple[MessageView, bool]:
    """Store an uploaded file and send it as a message (idempotent by ``client_msg_id`` like text)."""
    if not data:
        raise InvalidInput("file is empty", code="file_empty")
    if len(data) > ctx.settings.max_upload_bytes:
        raise TooLarge(f"file is larger than {ctx.settings.max_upload_bytes} bytes", code="file_too_large")
    actions.check_text(ctx, text, allow_empty=True)
    actions.check_client_msg_id(client_msg_id)
    async with ctx.uow() as uow:  # Check access before writing anything to disk.
        await load_visible(uow.session, principal, conversation_id)
    stored = _write_file(ctx, filename, data)
    try:
        view, created = await actions.send_message(
            ctx, principal, conversation_id, text, client_msg_id=client_msg_id, attachment=stored.attachment
        )
    except BaseException:
        stored.path.unlink(missing_ok=True)
        raise
    if not created:
        stored.path.unlink(missing_ok=True)
    return view, created


async def open_attachment(ctx: Context, principal: Principal, attachment_id: int) -> tuple[Attachment, Path]:
    """The attachment and its file, if the caller may read its conversation."""
    async with ctx.uow() as uow:
        row = await message_repo.get_attachment(uow.session, attachment_id)
        if row is None:
            raise NotFound("attachment not found", code="attachment_not_found")
        try:
            await load_visible(uow.session, principal, row.conversation_id)
        except NotFound:
            raise NotFound("attachment not found", code="attachment_not_found") from None
    path = ctx.settings.attachments_dir / row.storage_path
    if not path.is_file():
        raise NotFound("attachment file missing", code="attachment_not_found")
    return row, path
