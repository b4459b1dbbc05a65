"""Knowledge-base import and export: CSV, Excel and JSONL; bad rows named by line; all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from kefu.bot import entries, kb_files, knowledge
from kefu.cli import app as cli
from kefu.context import Context
from kefu.errors import InvalidInput, PermissionDenied
from kefu.security.auth import sign_in
from tests.support import ADMIN, AGENT1


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_chinese_headers(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "faq.csv",
        "标准问题,相似问法,答案,分类,技能组,关键词,转人工\n"
        '忘记密码怎么办,"密码忘了\n找回密码",请点击忘记密码,账号安全,账号安全,密码|找回,否\n'
        "退款,我要退钱|怎么退款,在订单页申请退款,支付,支付售后,,是\n",
    )
    rows = kb_files.read_entries(path)
    assert [line for line, _ in rows] == [3, 4]
    first, second = rows[0][1], rows[1][1]
    assert first.similar == ["密码忘了", "找回密码"]
    assert first.keywords == ["密码", "找回"]
    assert first.group == "账号安全"
    assert first.handover is False
    assert second.similar == ["我要退钱", "怎么退款"]
    assert second.handover is True


def test_xlsx_round_trip(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["question", "similar", "answer", "enabled", "valid_until"])
    sheet.append(["怎么开发票", "发票|开票", "在订单详情页申请电子发票", "yes", "2030-01-01"])
    sheet.append([None, None, None, None, None])
    path = tmp_path / "faq.xlsx"
    book.save(path)
    rows = kb_files.read_entries(path)
    assert len(rows) == 1
    assert rows[0][1].similar == ["发票", "开票"]
    assert rows[0][1].valid_until is not None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.jsonl", '{"answer": "a", "questions": ["q"]}\n{"answer": "b"\n', "line 2"),
        ("bad.jsonl", '{"answer": "a", "questions": ["q"]}\n[1]\n', "line 2"),
        ("bad.jsonl", '{"answer": "", "questions": ["q"]}\n', "line 1: the answer is empty"),
        ("bad.csv", "question,answer\nq1,a1\n,a2\n", "line 3: the standard question is empty"),
        ("bad.csv", "question,answer,handover\nq1,a1,maybe\n", "line 2: handover must be yes or no"),
        ("bad.csv", "foo,bar\n1,2\n", "header"),
        ("bad.csv", "question,answer,valid_from\nq,a,next week\n", "line 2: valid_from is not a date"),
        ("bad.txt", "whatever", "unknown file type"),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, name: str, content: str, message: str) -> None:
    with pytest.raises(InvalidInput) as info:
        kb_files.read_entries(_write(tmp_path / name, content))
    assert message in info.value.message


async def test_import_is_all_or_nothing(ctx: Context, tmp_path: Path) -> None:
    before = await knowledge.entry_count(ctx)
    path = _write(
        tmp_path / "kb.jsonl",
        json.dumps({"answer": "好的", "questions": ["新问题一"]}, ensure_ascii=False)
        + "\n"
        + json.dumps({"answer": "好的", "questions": ["新问题二"], "group": "不存在的组"}, ensure_ascii=False)
        + "\n",
    )
    with pytest.raises(InvalidInput) as info:
        await knowledge.import_file(ctx, path)
    assert "line 2" in info.value.message
    assert await knowledge.entry_count(ctx) == before


async def test_export_then_import_updates_in_place(ctx: Context, tmp_path: Path) -> None:
    before = await knowledge.entry_count(ctx)
    for fmt in ("csv", "xlsx", "jsonl"):
        path = tmp_path / f"kb.{fmt}"
        assert await knowledge.export_file(ctx, path) == before
        result = await knowledge.import_file(ctx, path)
        assert (result.created, result.updated) == (0, before)
    assert await knowledge.entry_count(ctx) == before
    exported = await entries.all_entries(ctx)
    assert exported[0].similar  # similar questions survive the round trips


async def test_only_editors_change_the_knowledge_base(ctx: Context) -> None:
    agent = (await sign_in(ctx, *AGENT1)).principal
    admin = (await sign_in(ctx, *ADMIN)).principal
    data = entries.EntryData(question="营业执照在哪看", answer="在页面底部“证照信息”中查看。", similar=["执照"])
    with pytest.raises(PermissionDenied):
        await entries.save_entry(ctx, agent, data)
    view = await entries.save_entry(ctx, admin, data)
    assert view.similar == ["执照"]
    disabled = await entries.set_enabled(ctx, admin, view.id, False)
    assert disabled.enabled is False
    await entries.delete_entry(ctx, admin, view.id)
    found, total = await entries.search_entries(ctx, "营业执照")
    assert (found, total) == ([], 0)


def test_cli_import_and_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KEFU_DATABASE_URL", raising=False)
    runner = CliRunner()
    data = str(tmp_path / "data")
    good = _write(tmp_path / "kb.csv", "question,similar,answer\n你好吗,你还好吗,我很好\n")
    result = runner.invoke(cli, ["kb", "import", str(good), "--data-dir", data])
    assert result.exit_code == 0, result.output
    assert "imported 1 new" in result.output
    bad = _write(tmp_path / "bad.csv", "question,answer\nq,a\n,b\n")
    result = runner.invoke(cli, ["kb", "import", str(bad), "--data-dir", data])
    assert result.exit_code == 2
    assert "line 3" in result.output
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["kb", "export", str(out), "--data-dir", data])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["questions"] == ["你好吗", "你还好吗"]
