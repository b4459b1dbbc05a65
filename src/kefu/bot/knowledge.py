"""Knowledge-base entries and their JSONL import."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from kefu.context import Context
from kefu.errors import InvalidInput
from kefu.storage.repositories import users as user_repo
from kefu.storage.repositories.knowledge import count_entries
from kefu.storage.tables import KnowledgeEntry


def _parse(line_no: int, line: str) -> dict[str, object]:
    try:
        row = json.loads(line)
    except ValueError as exc:
        raise InvalidInput(f"line {line_no}: not valid JSON ({exc})", code="bad_kb_row") from None
    if not isinstance(row, dict):
        raise InvalidInput(f"line {line_no}: expected a JSON object", code="bad_kb_row")
    questions = row.get("questions")
    answer = row.get("answer")
    if (
        not isinstance(questions, list)
        or not questions
        or not all(isinstance(q, str) and q.strip() for q in questions)
    ):
        raise InvalidInput(
            f"line {line_no}: 'questions' must be a non-empty list of texts", code="bad_kb_row"
        )
    if not isinstance(answer, str) or not answer.strip():
        raise InvalidInput(f"line {line_no}: 'answer' must be a non-empty text", code="bad_kb_row")
    return row


async def import_jsonl(ctx: Context, path: Path) -> int:
    """Import ``{"questions": [...], "answer", "category"?, "group"?}`` lines, all or nothing."""
    text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    rows = [_parse(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        for row in rows:
            questions = [str(q).strip() for q in row["questions"]]  # type: ignore[attr-defined]
            group_id = None
            if isinstance(row.get("group"), str):
                group = await user_repo.get_group_by_name(uow.session, str(row["group"]))
                group_id = group.id if group is not None else None
            uow.session.add(
                KnowledgeEntry(
                    question=questions[0],
                    similar_questions=json.dumps(questions[1:], ensure_ascii=False),
                    answer=str(row["answer"]).strip(),
                    category=str(row.get("category", "")),
                    skill_group_id=group_id,
                    enabled=True,
                    created_at=now,
                    updated_at=now,
                )
            )
        await uow.commit()
    return len(rows)


async def entry_count(ctx: Context) -> int:
    """How many entries the knowledge base holds."""
    async with ctx.uow() as uow:
        return await count_entries(uow.session)
