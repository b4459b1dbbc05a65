"""Canned replies as CSV and Excel files, the way support teams keep 话术 in spreadsheets.

Columns (header row required, English or Chinese names): ``folder/文件夹, scope/范围 (personal 个人 |
team 团队 | organisation 机构; default organisation), group/技能组 (team folders), title/标题,
shortcut/快捷词, text/内容, sort/排序``. Folders are found by scope and name (created when missing); a
reply whose title is already in its folder is updated, so exporting then importing changes nothing.
A bad line is reported with its number and nothing is imported (one transaction).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kefu.canned import pinyin
from kefu.canned.access import Scope, may_edit, visible_clause
from kefu.canned.library import ReplyData, check_reply, new_reply
from kefu.context import Context
from kefu.errors import InvalidInput
from kefu.security.access import require_agent
from kefu.security.principals import AgentPrincipal, Principal
from kefu.storage.repositories import canned as canned_repo
from kefu.storage.repositories import users as user_repo
from kefu.storage.tables import CannedFolder

FORMATS = ("csv", "xlsx")
COLUMNS = ("folder", "scope", "group", "title", "shortcut", "text", "sort")
ALIASES = {
    "文件夹": "folder",
    "分类": "folder",
    "范围": "scope",
    "技能组": "group",
    "标题": "title",
    "快捷词": "shortcut",
    "快捷键": "shortcut",
    "内容": "text",
    "话术": "text",
    "排序": "sort",
}
SCOPES = {
    "": Scope.ORGANISATION,
    "organisation": Scope.ORGANISATION,
    "organization": Scope.ORGANISATION,
    "机构": Scope.ORGANISATION,
    "公共": Scope.ORGANISATION,
    "team": Scope.TEAM,
    "团队": Scope.TEAM,
    "personal": Scope.PERSONAL,
    "个人": Scope.PERSONAL,
}
MAX_BYTES = 5 * 1024 * 1024
# Who imports when no one does (the demo's seed): an admin without a user row or personal folders.
SYSTEM = AgentPrincipal(0, "system", "system", "admin", frozenset())


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One checked line of a file."""

    line: int
    folder: str
    scope: Scope
    group: str
    reply: ReplyData


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did."""

    created: int
    updated: int
    folders_created: int


def _bad(line: int, message: str) -> InvalidInput:
    return InvalidInput(f"line {line}: {message}", code="bad_canned_row")


def _check_header(names: list[str]) -> list[str]:
    canonical = [ALIASES.get(name.strip(), name.strip().lower()) for name in names]
    if not {"title", "text"} <= set(canonical):
        raise InvalidInput("line 1: the header must name at least the title and text columns", code="bad_canned_file")
    return canonical


def _csv_rows(data: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text", code="bad_canned_file") from None
    reader = csv.reader(io.StringIO(text))
    header = _check_header(next(reader, []))
    for record in reader:
        if any(cell.strip() for cell in record):
            yield reader.line_num, dict(zip(header, record, strict=False))


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook  # noqa: PLC0415  (only needed for Excel files)

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise InvalidInput(f"not a readable Excel file ({exc})", code="bad_canned_file") from None
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = _check_header([str(h) if h is not None else "" for h in next(rows, ())])
    for number, values in enumerate(rows, start=2):
        if any(v not in (None, "") for v in values):
            yield number, dict(zip(header, values, strict=False))
    book.close()


def parse(data: bytes, kind: str) -> list[ImportRow]:
    """Every line of a file, checked; InvalidInput naming the first bad line."""
    if kind not in FORMATS:
        raise InvalidInput("use a .csv or .xlsx file", code="bad_canned_file")
    if len(data) > MAX_BYTES:
        raise InvalidInput("import files are limited to 5 MiB", code="bad_canned_file")
    rows = []
    for line, raw in _xlsx_rows(data) if kind == "xlsx" else _csv_rows(data):
        cell = {k: "" if v is None else str(v).strip() for k, v in raw.items()}
        scope = SCOPES.get(cell.get("scope", "").lower())
        if scope is None:
            raise _bad(line, f"scope must be organisation, team or personal, not {cell['scope']!r}")
        if scope == Scope.TEAM and not cell.get("group"):
            raise _bad(line, "a team reply names its skill group")
        sort_text = cell.get("sort", "") or "0"
        if not sort_text.lstrip("-").isdigit():
            raise _bad(line, f"sort must be a whole number, not {sort_text!r}")
        folder = cell.get("folder", "") or "未分类"
        try:
            reply = check_reply(
                ReplyData(0, cell.get("title", ""), cell.get("text", ""), cell.get("shortcut", ""), int(sort_text))
            )
        except InvalidInput as exc:
            raise _bad(line, exc.message) from None
        rows.append(ImportRow(line, folder, scope, cell.get("group", ""), reply))
    return rows


async def import_file(ctx: Context, principal: Principal | None, data: bytes, kind: str) -> ImportResult:
    """Import every line of a file into folders the caller may change, or nothing at all. Without a
    principal (seeding the demo, the CLI) organisation and team lines are imported as the system's."""
    agent = require_agent(principal) if principal is not None else SYSTEM
    rows = parse(data, kind)
    created = updated = folders_created = 0
    user_id = agent.user_id if agent is not SYSTEM else None
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        session = uow.session
        folders: dict[tuple[str, str, int | None], CannedFolder] = {}
        for row in rows:
            group_id = None
            if row.scope == Scope.TEAM:
                group = await user_repo.get_group_by_name(session, row.group)
                if group is None:
                    raise _bad(row.line, f"there is no skill group {row.group!r}")
                group_id = group.id
            owner = agent.user_id if row.scope == Scope.PERSONAL else None
            if not may_edit(agent, row.scope, owner, group_id) or (agent is SYSTEM and owner is not None):
                raise _bad(row.line, f"you may not change {row.scope} replies")
            key = (row.scope.value, row.folder, group_id)
            folder = folders.get(key) or await canned_repo.find_folder(session, *key[:2], owner, group_id)
            if folder is None:
                folder = CannedFolder(
                    scope=row.scope.value, name=row.folder, owner_id=owner, skill_group_id=group_id, created_at=now
                )
                session.add(folder)
                await session.flush()
                folders_created += 1
            folders[key] = folder
            existing = await canned_repo.find_reply(session, folder.id, row.reply.title)
            if existing is None:
                session.add(new_reply(ReplyData(folder.id, *_fields(row.reply)), user_id, now))
                await session.flush()
                created += 1
            else:
                existing.shortcut, existing.text, existing.sort = row.reply.shortcut, row.reply.text, row.reply.sort
                existing.initials = pinyin.initials(existing.title)
                existing.updated_by_id, existing.updated_at = user_id, now
                updated += 1
        await uow.commit()
    return ImportResult(created, updated, folders_created)


def _fields(reply: ReplyData) -> tuple[str, str, str, int]:
    return reply.title, reply.text, reply.shortcut, reply.sort


async def export_file(ctx: Context, principal: Principal, kind: str) -> bytes:
    """Every reply the caller may read, as a CSV (UTF-8 with BOM, for Excel) or XLSX file."""
    agent = require_agent(principal)
    if kind not in FORMATS:
        raise InvalidInput("export as csv or xlsx", code="bad_canned_file")
    async with ctx.uow() as uow:
        rows = await canned_repo.replies(uow.session, visible_clause(agent))
        groups = {g.id: g.name for g in await user_repo.list_groups(uow.session)}
    cells = [
        [
            folder.name,
            folder.scope,
            groups.get(folder.skill_group_id, "") if folder.skill_group_id else "",
            reply.title,
            reply.shortcut,
            reply.text,
            reply.sort,
        ]
        for reply, folder in rows
    ]
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(cells)
        return out.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook  # noqa: PLC0415

    book = Workbook(write_only=True)
    sheet = book.create_sheet("话术库")
    sheet.append(list(COLUMNS))
    for cell_row in cells:
        sheet.append(cell_row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
