"""The kefu command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kefu.cli import app

runner = CliRunner()


def test_every_command_has_help() -> None:
    for args in (
        ["--help"],
        ["serve", "--help"],
        ["demo", "--help"],
        ["migrate", "--help"],
        ["user", "add", "--help"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    serve_help = runner.invoke(app, ["serve", "--help"]).output
    for option in ("--host", "--port", "--data-dir"):
        assert option in serve_help


def test_migrate_and_user_add(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("KEFU_DATABASE_URL", raising=False)
    data = str(tmp_path / "data")
    assert runner.invoke(app, ["migrate", "--data-dir", data]).exit_code == 0
    assert (tmp_path / "data" / "kefu.db").exists()
    ok = runner.invoke(
        app, ["user", "add", "lily", "--role", "supervisor", "--password", "s3cret-pass", "--data-dir", data]
    )
    assert ok.exit_code == 0, ok.output
    grouped = runner.invoke(
        app,
        ["user", "add", "amy", "--group", "游戏", "--group", "支付", "--password", "long-enough", "--data-dir", data],
    )
    assert grouped.exit_code == 0, grouped.output
    dup = runner.invoke(app, ["user", "add", "lily", "--password", "s3cret-pass", "--data-dir", data])
    assert dup.exit_code == 2
    short = runner.invoke(app, ["user", "add", "bob", "--password", "short", "--data-dir", data])
    assert short.exit_code == 2
    assert "at least 8" in short.output
    role = runner.invoke(app, ["user", "add", "eve", "--role", "root", "--password", "long-enough", "--data-dir", data])
    assert role.exit_code == 2
