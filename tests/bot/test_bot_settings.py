"""The bot's settings as organisation settings: the action's rules, the REST route, the live bot."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from kefu.app import create_app, settle
from kefu.bot import settings as bot_settings
from kefu.bus import Delivery
from kefu.config import Settings
from kefu.context import Context
from kefu.errors import InvalidInput, PermissionDenied
from kefu.events import BotSettingsChanged, Event
from kefu.security.principals import AgentPrincipal
from tests.conftest import _persona, login, new_visitor
from tests.support import ADMIN, AGENT1, TickingClock, seed

ADMIN_P = AgentPrincipal(1, "admin", "管理员", "admin", frozenset())
SUPERVISOR_P = AgentPrincipal(2, "boss", "主管", "supervisor", frozenset())
AGENT_P = AgentPrincipal(3, "agent", "小王", "agent", frozenset())


async def test_defaults_come_from_the_environment(ctx: Context) -> None:
    view = await bot_settings.read_settings(ctx, SUPERVISOR_P)
    assert view.effective.answer_threshold == ctx.settings.bot_answer_threshold
    assert view.effective == view.defaults
    assert view.overridden == frozenset()


async def test_an_admin_overrides_and_resets_with_one_event_after_commit(ctx: Context) -> None:
    seen: list[Event] = []

    async def listen(event: Event) -> None:
        seen.append(event)

    ctx.bus.subscribe(listen, Delivery.EVERY_NODE)
    view = await bot_settings.update_settings(ctx, ADMIN_P, {"answer_threshold": 0.8, "handover_on_vip": False})
    assert view.effective.answer_threshold == 0.8
    assert view.effective.handover_on_vip is False
    assert view.overridden == {"answer_threshold", "handover_on_vip"}
    assert (await bot_settings.effective_settings(ctx)).answer_threshold == 0.8
    await ctx.bus.drain()
    changed = [e for e in seen if isinstance(e, BotSettingsChanged)]
    assert len(changed) == 1
    assert changed[0].answer_threshold == 0.8
    assert changed[0].to_wire()["type"] == "bot_settings"

    view = await bot_settings.update_settings(ctx, ADMIN_P, {"answer_threshold": None})
    assert view.effective.answer_threshold == ctx.settings.bot_answer_threshold
    assert view.overridden == {"handover_on_vip"}


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"answer_threshold": 1.5}, "bad_threshold"),
        ({"clarify_threshold": -0.1}, "bad_threshold"),
        ({"clarify_threshold": 0.9}, "clarify_above_answer"),
        ({"answer_threshold": 0.1}, "clarify_above_answer"),
        ({"max_failures": 0}, "bad_max_failures"),
        ({"max_failures": 11}, "bad_max_failures"),
        ({"handover_on_vip": 1}, "bad_bot_setting"),
        ({"anger": 3}, "bad_bot_setting"),
    ],
)
async def test_bad_values_are_refused_and_change_nothing(ctx: Context, changes: dict[str, Any], code: str) -> None:
    before = await bot_settings.read_settings(ctx, ADMIN_P)
    with pytest.raises(InvalidInput) as raised:
        await bot_settings.update_settings(ctx, ADMIN_P, {"max_failures": 5, **changes})
    assert raised.value.code == code
    assert await bot_settings.read_settings(ctx, ADMIN_P) == before


async def test_only_admins_write_and_agents_cannot_read(ctx: Context) -> None:
    with pytest.raises(PermissionDenied):
        await bot_settings.update_settings(ctx, SUPERVISOR_P, {"max_failures": 3})
    with pytest.raises(PermissionDenied):
        await bot_settings.read_settings(ctx, AGENT_P)


# ---- through the app ----------------------------------------------------------------------------


def _signed_in(app: TestClient, who: tuple[str, str]) -> TestClient:
    persona = _persona(app)
    login(persona, who)
    return persona


def test_rest_admin_changes_agent_is_refused_bad_input_changes_nothing(bot_app: TestClient) -> None:
    admin = _signed_in(bot_app, ADMIN)
    agent = _signed_in(bot_app, AGENT1)
    start = admin.get("/api/v1/bot/settings")
    assert start.status_code == 200, start.text
    assert start.json()["overridden"] == []

    assert agent.get("/api/v1/bot/settings").status_code == 403
    assert agent.put("/api/v1/bot/settings", json={"max_failures": 3}).status_code == 403

    bad = admin.put("/api/v1/bot/settings", json={"max_failures": 3, "clarify_threshold": 0.95})
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "clarify_above_answer"
    assert admin.put("/api/v1/bot/settings", json={"answer_threshold": "high"}).status_code == 422
    assert admin.put("/api/v1/bot/settings", json={"nonsense": 1}).status_code == 422
    assert admin.get("/api/v1/bot/settings").json() == start.json()

    ok = admin.put("/api/v1/bot/settings", json={"max_failures": 3, "handover_on_negative": False})
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert body["settings"]["max_failures"] == 3
    assert body["settings"]["handover_on_negative"] is False
    assert body["defaults"] == start.json()["defaults"]
    assert sorted(body["overridden"]) == ["handover_on_negative", "max_failures"]


def _drain(app: TestClient) -> None:
    app.portal.call(settle, app.app)  # type: ignore[union-attr, arg-type]


def _ask(app: TestClient, customer: TestClient, conv: int, text: str) -> list[dict[str, Any]]:
    sent = customer.post(f"/api/v1/conversations/{conv}/messages", json={"text": text})
    assert sent.status_code == 200, sent.text
    _drain(app)
    after = sent.json()["message"]["seq"]
    messages = customer.get(f"/api/v1/conversations/{conv}/messages", params={"after_seq": after}).json()["messages"]
    return [m for m in messages if m["sender_kind"] == "bot"]


def _conversation(app: TestClient) -> tuple[TestClient, int]:
    customer = new_visitor(app, "张三")
    conv = customer.post("/api/v1/visitor/conversations").json()["conversation"]
    return customer, int(conv["id"])


def test_the_live_bot_uses_a_changed_threshold_at_once(bot_app: TestClient) -> None:
    question = "密码想不起来了怎么办"
    customer, conv = _conversation(bot_app)
    (reply,) = _ask(bot_app, customer, conv, question)
    assert reply["meta"]["kind"] == "answer"

    admin = _signed_in(bot_app, ADMIN)
    changed = admin.put("/api/v1/bot/settings", json={"answer_threshold": 1.0, "clarify_threshold": 0.99})
    assert changed.status_code == 200, changed.text
    customer, conv = _conversation(bot_app)
    kinds = [r["meta"]["kind"] for r in _ask(bot_app, customer, conv, question)]
    assert "answer" not in kinds

    reset = admin.put("/api/v1/bot/settings", json={"answer_threshold": None, "clarify_threshold": None})
    assert reset.status_code == 200
    customer, conv = _conversation(bot_app)
    (reply,) = _ask(bot_app, customer, conv, question)
    assert reply["meta"]["kind"] == "answer"


def test_stored_settings_survive_a_restart(settings: Settings, clock: TickingClock) -> None:
    live = settings.model_copy(update={"bot_enabled": True})
    seed(live)
    with TestClient(create_app(live, clock=clock)) as first:
        admin = _signed_in(first, ADMIN)
        assert admin.put("/api/v1/bot/settings", json={"max_failures": 7}).status_code == 200
    with TestClient(create_app(live, clock=clock)) as second:
        assert second.app.state.bot.settings.max_failures == 7  # type: ignore[attr-defined]
