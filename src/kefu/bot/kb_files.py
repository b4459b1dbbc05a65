"""Knowledge-base files: CSV and Excel (what support teams keep their FAQ in) and JSONL.

Columns (CSV/Excel, header row required, names in English or Chinese):
``id, question/标准问题, similar/相似问法 (one per line or separated by |), answer/答案, category/分类,
group/技能组, keywords/关键词 (| or ,), quick_replies/快捷按钮 (|), handover/转人工 (yes/no),
enabled/启用 (yes/no), valid_from/生效时间, valid_until/失效时间``.
JSONL: one ``{"id"?, "answer", "questions": [standard, similar...], ...same optional fields}`` a line.
A bad row is reported with its line number and nothing is imported.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kefu.bot.entries import EntryData, EntryView, validate
from kefu.errors import InvalidInput

FORMATS = ("csv", "xlsx", "jsonl")
COLUMNS = (
    "id",
    "question",
    "similar",
    "answer",
    "category",
    "group",
    "keywords",
    "quick_replies",
    "handover",
    "enabled",
    "valid_from",
    "valid_until",
)
ALIASES = {
    "标准问题": "question",
    "问题": "question",
    "相似问法": "similar",
    "相似问题": "similar",
    "questions": "similar",
    "答案": "answer",
    "分类": "category",
    "技能组": "group",
    "关键词": "keywords",
    "快捷按钮": "quick_replies",
    "转人工": "handover",
    "启用": "enabled",
    "生效时间": "valid_from",
    "失效时间": "valid_until",
    "编号": "id",
}
TRUE = {"1", "true", "yes", "y", "是", "启用", "on"}
FALSE = {"0", "false", "no", "n", "否", "停用", "off", ""}

Row = tuple[int, EntryData]


def format_of(path: Path) -> str:
    """The file format by extension."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix == "csv":
        return "csv"
    raise InvalidInput(f"unknown file type {path.suffix!r}: use .csv, .xlsx or .jsonl", code="bad_kb_file")


def _split(value: Any, separators: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value)
    for sep in separators[1:]:
        text = text.replace(sep, separators[0])
    return [part.strip() for part in text.split(separators[0]) if part.strip()]


def _flag(value: Any, default: bool, line: int, name: str) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return default if text == "" else False
    raise InvalidInput(f"line {line}: {name} must be yes or no, not {value!r}", code="bad_kb_row")


def _when(value: Any, line: int, name: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise InvalidInput(f"line {line}: {name} is not a date (YYYY-MM-DD HH:MM)", code="bad_kb_row") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _id(value: Any, line: int) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    return None  # Foreign ids (e.g. from another system) create new entries.


def entry_from_mapping(line: int, raw: dict[str, Any]) -> EntryData:
    """Turn one parsed row into a validated entry; errors name the line."""
    row = {ALIASES.get(str(k).strip(), str(k).strip().lower()): v for k, v in raw.items() if k is not None}
    if "questions" in raw and isinstance(raw["questions"], list):
        questions = [str(q) for q in raw["questions"]]
        row.setdefault("question", questions[0] if questions else "")
        row["similar"] = questions[1:]
    try:
        data = EntryData(
            id=_id(row.get("id"), line),
            question=str(row.get("question") or ""),
            answer=str(row.get("answer") or ""),
            similar=_split(row.get("similar"), "\n|"),
            category=str(row.get("category") or ""),
            group=str(row["group"]) if row.get("group") not in (None, "") else None,
            keywords=_split(row.get("keywords"), "|,，"),
            quick_replies=_split(row.get("quick_replies"), "|\n"),
            handover=_flag(row.get("handover"), False, line, "handover"),
            enabled=_flag(row.get("enabled"), True, line, "enabled"),
            valid_from=_when(row.get("valid_from"), line, "valid_from"),
            valid_until=_when(row.get("valid_until"), line, "valid_until"),
        )
        return validate(data)
    except InvalidInput as exc:
        message = exc.message if exc.message.startswith("line ") else f"line {line}: {exc.message}"
        raise InvalidInput(message, code="bad_kb_row") from None


def _jsonl_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            raise InvalidInput(f"line {number}: not valid JSON ({exc.args[0]})", code="bad_kb_row") from None
        if not isinstance(value, dict):
            raise InvalidInput(f"line {number}: expected a JSON object", code="bad_kb_row")
        yield number, value


def _check_header(names: Iterable[str]) -> None:
    canonical = {ALIASES.get(name.strip(), name.strip().lower()) for name in names}
    if not {"question", "answer"} <= canonical:
        raise InvalidInput("line 1: the header must name at least the question and answer columns", code="bad_kb_file")


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    _check_header(reader.fieldnames or [])
    for record in reader:
        if any((v or "").strip() for v in record.values() if isinstance(v, str)):
            yield reader.line_num, dict(record)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook  # noqa: PLC0415  (only needed for Excel files)

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise InvalidInput(f"not a readable Excel file ({exc})", code="bad_kb_file") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    _check_header(header)
    for number, values in enumerate(rows, start=2):
        if any(v not in (None, "") for v in values):
            yield number, {h: v for h, v in zip(header, values, strict=False) if h}
    book.close()


def read_entries(path: Path) -> list[Row]:
    """Every entry of a file, validated; raises InvalidInput at the first bad row."""
    kind = format_of(path)
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}", code="bad_kb_file")
    if kind == "xlsx":
        raw_rows: Iterable[tuple[int, dict[str, Any]]] = _xlsx_rows(path)
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("the file is not UTF-8 text", code="bad_kb_file") from None
        raw_rows = _jsonl_rows(text) if kind == "jsonl" else _csv_rows(text)
    return [(line, entry_from_mapping(line, raw)) for line, raw in raw_rows]


def _cells(entry: EntryView) -> list[Any]:
    return [
        entry.id,
        entry.question,
        "\n".join(entry.similar),
        entry.answer,
        entry.category,
        entry.group or "",
        "|".join(entry.keywords),
        "|".join(entry.quick_replies),
        "yes" if entry.handover else "no",
        "yes" if entry.enabled else "no",
        entry.valid_from.isoformat() if entry.valid_from else "",
        entry.valid_until.isoformat() if entry.valid_until else "",
    ]


def write_entries(path: Path, entries: list[EntryView], progress: Callable[[int], None] | None = None) -> None:
    """Write entries in the format the file name asks for."""
    kind = format_of(path)
    if kind == "jsonl":
        with path.open("w", encoding="utf-8") as handle:
            for entry in entries:
                record = entry.to_dict()
                record["questions"] = [entry.question, *entry.similar]
                for key in ("question", "similar", "skill_group_id", "updated_at"):
                    record.pop(key)
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                if progress:
                    progress(1)
    elif kind == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for entry in entries:
                writer.writerow(_cells(entry))
                if progress:
                    progress(1)
    else:
        from openpyxl import Workbook  # noqa: PLC0415

        book = Workbook(write_only=True)
        sheet = book.create_sheet("FAQ")
        sheet.append(list(COLUMNS))
        for entry in entries:
            sheet.append(_cells(entry))
            if progress:
                progress(1)
        book.save(path)
