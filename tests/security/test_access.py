"""Who may read what: customers only their own, agents by role, supervisors everything."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update

from kefu.storage.tables import Conversation
from tests.conftest import login, new_visitor
from tests.support import AGENT1


def _start(customer: TestClient, text: str = "你好") -> int:
    conv_id = int(customer.post("/api/v1/visitor/conversations").json()["conversation"]["id"])
    assert customer.post(f"/api/v1/conversations/{conv_id}/messages", json={"text": text}).status_code == 200
    return conv_id


def _set_group(app: TestClient, conv_id: int, group_id: int) -> None:
    async def run() -> None:
        async with app.app.state.ctx.uow() as uow:  # type: ignore[attr-defined]
            await uow.session.execute(
                update(Conversation).where(Conversation.id == conv_id).values(skill_group_id=group_id)
            )
            await uow.commit()

    app.portal.call(run)  # type: ignore[union-attr]


def test_customer_reads_only_own_conversations(app, customer):
    mine = _start(customer)
    stranger = new_visitor(app, "李四")
    other = _start(stranger)
    assert customer.get(f"/api/v1/conversations/{mine}/messages").status_code == 200
    for path in (
        f"/api/v1/conversations/{other}",
        f"/api/v1/conversations/{other}/messages",
    ):
        response = customer.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "conversation_not_found"
    r = customer.post(f"/api/v1/conversations/{other}/messages", json={"text": "我能偷看吗"})
    assert r.status_code == 404
    assert customer.post(f"/api/v1/conversations/{other}/close").status_code == 404
    listed = customer.get("/api/v1/conversations").json()["conversations"]
    assert [c["id"] for c in listed] == [mine]
    assert len(stranger.get(f"/api/v1/conversations/{other}/messages").json()["messages"]) == 1


def test_customer_cannot_use_agent_actions(customer):
    conv = _start(customer)
    assert customer.post(f"/api/v1/conversations/{conv}/take").status_code == 403
    assert customer.get("/api/v1/customers/1/conversations").status_code == 403


def test_forged_or_missing_visitor_token_is_rejected(app, customer):
    conv = _start(customer)
    anonymous = TestClient(app.app)
    anonymous.portal = app.portal
    assert anonymous.get(f"/api/v1/conversations/{conv}/messages").status_code == 401
    token = customer.headers["Authorization"].split()[1]
    prefix, visitor, _sig = token.split(".")
    forged = f"{prefix}.{visitor}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    anonymous.headers["Authorization"] = f"Bearer {forged}"
    response = anonymous.get(f"/api/v1/conversations/{conv}/messages")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_visitor_token"


def test_agent_sees_waiting_in_own_groups_and_own_assigned_only(app, customer, agent1, agent2, admin):
    conv = _start(customer)
    _set_group(app, conv, 2)  # 支付售后: agent2's group, not agent1's
    assert agent1.get(f"/api/v1/conversations/{conv}").status_code == 404
    assert agent1.post(f"/api/v1/conversations/{conv}/take").status_code == 404
    assert [c["id"] for c in agent2.get("/api/v1/conversations?view=waiting").json()["conversations"]] == [conv]
    assert agent1.get("/api/v1/conversations?view=waiting").json()["conversations"] == []
    assert agent2.post(f"/api/v1/conversations/{conv}/take").status_code == 200
    assert admin.get(f"/api/v1/conversations/{conv}/messages").status_code == 200
    ungrouped = _start(new_visitor(app))
    assert agent1.post(f"/api/v1/conversations/{ungrouped}/take").status_code == 200
    # Once assigned to agent1, agent2 can no longer read it.
    assert agent2.get(f"/api/v1/conversations/{ungrouped}/messages").status_code == 404
    assert agent2.post(f"/api/v1/conversations/{ungrouped}/close").status_code == 404


def test_agent_serving_a_customer_sees_their_earlier_conversations(app, agent1, agent2, admin):
    visitor = new_visitor(app, "王五")
    first = _start(visitor, "第一次咨询")
    assert agent2.post(f"/api/v1/conversations/{first}/take").status_code == 200
    assert agent2.post(f"/api/v1/conversations/{first}/close").status_code == 200
    second = _start(visitor, "第二次咨询")
    customer_id = visitor.get("/api/v1/conversations").json()["conversations"][0]["customer_id"]
    assert agent1.get(f"/api/v1/conversations/{first}/messages").status_code == 404
    assert agent1.get(f"/api/v1/customers/{customer_id}/conversations").json()["conversations"] == []
    assert agent1.post(f"/api/v1/conversations/{second}/take").status_code == 200
    listed = agent1.get(f"/api/v1/customers/{customer_id}/conversations").json()["conversations"]
    assert {c["id"] for c in listed} == {first, second}
    texts = [m["text"] for m in agent1.get(f"/api/v1/conversations/{first}/messages").json()["messages"]]
    assert "第一次咨询" in texts
    assert len(admin.get(f"/api/v1/customers/{customer_id}/conversations").json()["conversations"]) == 2


def test_only_the_assignee_or_a_supervisor_replies_and_closes(app, customer, agent1, admin):
    conv = _start(customer)
    r = admin.post(f"/api/v1/conversations/{conv}/messages", json={"text": "未接入"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "not_assignee"
    assert agent1.post(f"/api/v1/conversations/{conv}/take").status_code == 200
    assert admin.post(f"/api/v1/conversations/{conv}/close").status_code == 200


def test_cookie_writes_need_the_csrf_token(app, customer):
    conv = _start(customer)
    agent = TestClient(app.app)
    agent.portal = app.portal
    csrf = login(agent, AGENT1)
    del agent.headers["X-CSRF-Token"]
    r = agent.post(f"/api/v1/conversations/{conv}/take")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "csrf_failed"
    agent.headers["X-CSRF-Token"] = "wrong"
    assert agent.post(f"/api/v1/conversations/{conv}/take").status_code == 403
    assert agent.get("/api/v1/conversations?view=waiting").status_code == 200  # reads need no token
    agent.headers["X-CSRF-Token"] = csrf
    assert agent.post(f"/api/v1/conversations/{conv}/take").status_code == 200


def test_login_logout_and_session_cookie_flags(app):
    agent = TestClient(app.app)
    agent.portal = app.portal
    bad = agent.post("/api/v1/auth/login", json={"username": "agent1", "password": "wrong-password"})
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "bad_credentials"
    nobody = agent.post("/api/v1/auth/login", json={"username": "nobody", "password": "whatever123"})
    assert nobody.json()["error"]["code"] == "bad_credentials"
    good = agent.post("/api/v1/auth/login", json={"username": "agent1", "password": "agent-demo-123"})
    cookie = good.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    agent.headers["X-CSRF-Token"] = good.json()["user"]["csrf_token"]
    assert agent.get("/api/v1/auth/me").json()["user"]["username"] == "agent1"
    assert agent.post("/api/v1/auth/logout").status_code == 200
    assert agent.get("/api/v1/auth/me").status_code == 401


def test_passwords_are_stored_as_argon2_hashes(app):
    from kefu.storage.repositories import users

    async def run() -> str:
        async with app.app.state.ctx.uow() as uow:
            user = await users.get_user_by_username(uow.session, "agent1")
            return user.password_hash

    stored = app.portal.call(run)
    assert stored.startswith("$argon2id$")
    assert "agent-demo-123" not in stored
