"""The REST API of the backend's actions: admins write and test, others may not, secrets never leave."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from kefu.context import Context
from kefu.errors import PermissionDenied
from kefu.integrations import admin as integrations_admin
from kefu.security.principals import AgentPrincipal
from tests.integrations.backend import SECRET, Backend

ACTIONS = "/api/v1/integrations/actions"


def _new(backend: Backend, name: str = "find_order", **extra: Any) -> dict[str, Any]:
    return {"name": name, "url": backend.url(name), "secret": SECRET, "allow_private": True, **extra}


def test_an_admin_creates_lists_tests_changes_and_deletes(admin: TestClient, backend: Backend) -> None:
    created = admin.post(ACTIONS, json=_new(backend, description="查询订单"))
    assert created.status_code == 200, created.text
    action = created.json()["action"]
    assert action["secret_set"] is True
    assert action["secret_last4"] == SECRET[-4:]
    assert (action["timeout_ms"], action["max_attempts"], action["enabled"]) == (5000, 3, True)
    me = admin.get("/api/v1/auth/me").json()["user"]
    assert (action["updated_by"], action["updated_by_name"]) == (me["id"], me["display_name"])
    assert admin.get(ACTIONS).json()["actions"][0]["updated_by_name"] == me["display_name"]

    tested = admin.post(f"{ACTIONS}/find_order/test", json={"params": {"order_no": "202612010001"}})
    assert tested.status_code == 200, tested.text
    outcome = tested.json()["outcome"]
    assert outcome["kind"] == "ok"
    assert outcome["data"]["echo"] == {"order_no": "202612010001"}
    assert backend.state.seen[0].key.startswith("kefu-test-")

    changed = admin.put(f"{ACTIONS}/find_order", json={"timeout_ms": 2000, "enabled": False})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["action"]["timeout_ms"], changed.json()["action"]["enabled"]) == (2000, False)
    # the secret was kept (left out of the change), and a disabled action can still be tested
    assert admin.post(f"{ACTIONS}/find_order/test", json={}).json()["outcome"]["kind"] == "ok"

    assert admin.delete(f"{ACTIONS}/find_order").json() == {"ok": True}
    assert admin.get(ACTIONS).json() == {"actions": []}
    assert admin.post(f"{ACTIONS}/find_order/test", json={}).status_code == 404


def test_the_secret_never_leaves(admin: TestClient, backend: Backend) -> None:
    responses = [
        admin.post(ACTIONS, json=_new(backend)),
        admin.put(f"{ACTIONS}/find_order", json={"secret": "a-brand-new-secret-9876"}),
        admin.get(ACTIONS),
    ]
    for response in responses:
        assert response.status_code == 200
        assert SECRET not in response.text
        assert "a-brand-new-secret" not in response.text
    assert admin.get(ACTIONS).json()["actions"][0]["secret_last4"] == "9876"


def test_agents_may_neither_read_nor_write(admin: TestClient, agent1: TestClient, backend: Backend) -> None:
    assert admin.post(ACTIONS, json=_new(backend)).status_code == 200
    attempts = [
        agent1.get(ACTIONS),
        agent1.post(ACTIONS, json=_new(backend, "other")),
        agent1.put(f"{ACTIONS}/find_order", json={"url": "http://93.184.215.14/x"}),
        agent1.delete(f"{ACTIONS}/find_order"),
        agent1.post(f"{ACTIONS}/find_order/test", json={}),
    ]
    assert [r.status_code for r in attempts] == [403] * 5
    assert backend.state.seen == []
    assert [a["name"] for a in admin.get(ACTIONS).json()["actions"]] == ["find_order"]
    assert admin.get(ACTIONS).json()["actions"][0]["url"] == backend.url("find_order")


def test_without_a_session_nothing_is_shown(client: TestClient) -> None:
    assert client.get(ACTIONS).status_code == 401


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "Find Order"}, "bad_action_name"),
        ({"url": "ftp://example.com/x"}, "bad_url"),
        ({"url": "http://127.0.0.1:9/x", "allow_private": False}, "private_address"),
        ({"url": "http://169.254.169.254/latest", "allow_private": False}, "private_address"),
        ({"url": "http://[::ffff:10.0.0.1]/x", "allow_private": False}, "private_address"),
        ({"secret": "short"}, "bad_secret"),
        ({"timeout_ms": 5}, "bad_timeout"),
        ({"max_attempts": 9}, "bad_max_attempts"),
        ({"description": "x" * 501}, "bad_action_field"),
        ({"timeout_ms": "fast"}, "invalid_request"),
        ({"extra": 1}, "invalid_request"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    admin: TestClient, backend: Backend, body: dict[str, Any], code: str
) -> None:
    assert admin.post(ACTIONS, json=_new(backend, "existing")).status_code == 200
    before = admin.get(ACTIONS).json()
    created = admin.post(ACTIONS, json={**_new(backend), **body})
    assert created.status_code == 422, created.text
    assert created.json()["error"]["code"] == code
    change = {k: v for k, v in body.items() if k != "name"}
    if change:
        changed = admin.put(f"{ACTIONS}/existing", json=change)
        assert changed.status_code == 422, changed.text
        assert changed.json()["error"]["code"] == code
    assert admin.get(ACTIONS).json() == before


def test_duplicates_and_unknown_actions(admin: TestClient, backend: Backend) -> None:
    assert admin.post(ACTIONS, json=_new(backend)).status_code == 200
    duplicate = admin.post(ACTIONS, json=_new(backend))
    assert (duplicate.status_code, duplicate.json()["error"]["code"]) == (409, "action_exists")
    missing = admin.put(f"{ACTIONS}/nope", json={"enabled": False})
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "action_not_found")
    assert admin.delete(f"{ACTIONS}/nope").status_code == 404


async def test_supervisors_read_but_do_not_write(ctx: Context) -> None:
    supervisor = AgentPrincipal(2, "boss", "主管", "supervisor", frozenset())
    assert await integrations_admin.list_actions(ctx, supervisor) == []
    with pytest.raises(PermissionDenied):
        await integrations_admin.create_action(
            ctx, supervisor, "find_order", {"url": "http://93.184.215.14/x", "secret": SECRET}
        )
    with pytest.raises(PermissionDenied):
        await integrations_admin.try_action(ctx, supervisor, "find_order", {})
