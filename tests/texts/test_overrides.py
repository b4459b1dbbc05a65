"""Admins reword texts per locale: validation, the API, the event, and every node's text book."""

from __future__ import annotations

import pytest

from kefu.bus import Delivery
from kefu.context import Context
from kefu.errors import InvalidInput, NotFound, PermissionDenied
from kefu.events import Event, TextsChanged
from kefu.security.principals import AgentPrincipal
from kefu.texts import overrides, render, sync

ADMIN = AgentPrincipal(1, "admin", "管理员", "admin", frozenset())
SUPERVISOR = AgentPrincipal(2, "sup", "主管", "supervisor", frozenset())


async def test_an_override_reaches_the_text_book_through_the_event(ctx: Context) -> None:
    seen: list[Event] = []

    async def record(event: Event) -> None:
        seen.append(event)

    ctx.bus.subscribe(record, Delivery.EVERY_NODE)
    stop = await sync.start(ctx)
    try:
        entry = await overrides.set_override(ctx, ADMIN, "agent.joined", "en", "  Hi, I'm {agent}!  ")
        assert entry.override == "Hi, I'm {agent}!"
        await ctx.bus.drain()
        assert seen == [TextsChanged("agent.joined", "en", overridden=True)]
        assert ctx.texts.render("agent.joined", "en", agent="Wang") == "Hi, I'm Wang!"
        assert ctx.texts.render("agent.joined", "zh-CN", agent="小王") == render("agent.joined", "zh-CN", agent="小王")
        await overrides.set_override(ctx, ADMIN, "agent.joined", "en", "{agent} is here.")
        await ctx.bus.drain()
        assert ctx.texts.render("agent.joined", "en", agent="Wang") == "Wang is here."
        reset = await overrides.reset_override(ctx, ADMIN, "agent.joined", "en")
        assert reset.override is None
        await ctx.bus.drain()
        assert ctx.texts.render("agent.joined", "en", agent="Wang") == render("agent.joined", "en", agent="Wang")
    finally:
        stop()


async def test_another_node_loads_overrides_at_start(ctx: Context) -> None:
    await overrides.set_override(ctx, ADMIN, "chat.welcome", "zh-CN", "欢迎光临！")
    await ctx.bus.drain()
    assert ctx.texts.override("chat.welcome", "zh-CN") is None  # nobody listening on this context yet
    assert await sync.load(ctx) == 1
    assert ctx.texts.render("chat.welcome", "zh-CN") == "欢迎光临！"


@pytest.mark.parametrize(
    ("code", "locale", "text", "error"),
    [
        ("no.such.text", "en", "Hello", "unknown_text"),
        ("chat.welcome", "fr", "Bonjour", "unknown_locale"),
        ("chat.welcome", "en", "   ", "text_empty"),
        ("chat.welcome", "en", "x" * 2001, "text_too_long"),
        ("queue.position", "en", "{ahead} ahead of you", "placeholders_mismatch"),
        ("queue.position", "en", "{ahead} ahead, {minutes} min, {name}", "placeholders_mismatch"),
        ("agent.joined", "en", "{agent.__class__} joined", "bad_placeholder"),
        ("agent.joined", "en", "{agent} joined {", "bad_placeholder"),
    ],
)
async def test_bad_overrides_are_refused_and_change_nothing(
    ctx: Context, code: str, locale: str, text: str, error: str
) -> None:
    with pytest.raises((InvalidInput, NotFound)) as caught:
        await overrides.set_override(ctx, ADMIN, code, locale, text)
    assert caught.value.code == error
    assert all(entry.override is None for entry in await overrides.list_texts(ctx, ADMIN))


async def test_placeholder_mismatch_says_what_the_text_takes(ctx: Context) -> None:
    with pytest.raises(InvalidInput, match=r"takes \{ahead\} \{minutes\} \(missing: \{minutes\}\)"):
        await overrides.set_override(ctx, ADMIN, "queue.position", "en", "{ahead} ahead of you")


async def test_only_admins_change_texts(ctx: Context) -> None:
    with pytest.raises(PermissionDenied):
        await overrides.set_override(ctx, SUPERVISOR, "chat.welcome", "en", "Hi")
    with pytest.raises(PermissionDenied):
        await overrides.reset_override(ctx, SUPERVISOR, "chat.welcome", "en")
    assert len(await overrides.list_texts(ctx, SUPERVISOR)) > 0


def test_texts_over_http(app, admin, agent1, customer) -> None:
    listing = agent1.get("/api/v1/texts")
    assert listing.status_code == 200
    body = listing.json()
    assert body["locales"] == ["zh-CN", "en"]
    joined = next(t for t in body["texts"] if (t["code"], t["locale"]) == ("agent.joined", "en"))
    assert joined == {
        "code": "agent.joined",
        "locale": "en",
        "audience": "customer",
        "params": ["agent"],
        "default": "{agent} has joined the chat. How can I help you?",
        "override": None,
        "updated_at": None,
    }
    assert agent1.put("/api/v1/texts/chat.welcome/en", json={"text": "Hi"}).status_code == 403
    assert customer.get("/api/v1/texts").status_code == 403
    bad = admin.put("/api/v1/texts/queue.position/en", json={"text": "Wait {time}"})
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "placeholders_mismatch"
    assert admin.put("/api/v1/texts/nope/en", json={"text": "Hi"}).status_code == 404
    done = admin.put("/api/v1/texts/chat.welcome/en", json={"text": "Welcome to Example Co.!"})
    assert done.status_code == 200, done.text
    assert done.json()["text"]["override"] == "Welcome to Example Co.!"
    assert done.json()["text"]["updated_at"] is not None
    reset = admin.delete("/api/v1/texts/chat.welcome/en")
    assert reset.json()["text"]["override"] is None


def test_the_api_documents_its_responses(app) -> None:
    schema = app.get("/openapi.json").json()
    ok = schema["paths"]["/api/v1/texts"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/TextListOut")
