"""A busy database does not cost a customer their answer: the bot tries the turn again."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import exc as sqlalchemy_exc

from kefu.bot import service as bot_service
from tests.bot.test_bot_flow import _ask, _start


def test_an_answer_is_retried_when_the_database_is_busy(bot_app: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    bot = bot_app.app.state.bot  # type: ignore[attr-defined]
    monkeypatch.setattr(bot_service, "RETRY_PAUSES", (0.0, 0.0))
    real = bot._answer_locked
    failures = {"left": 2}

    async def busy_then_fine(*args: Any) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise sqlalchemy_exc.OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
        await real(*args)

    monkeypatch.setattr(bot, "_answer_locked", busy_then_fine)
    customer, conv = _start(bot_app)
    (reply,) = _ask(bot_app, customer, conv, "怎么开发票")
    assert reply["meta"]["kind"] == "answer"
    assert failures["left"] == 0
