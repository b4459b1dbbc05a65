"""Issue 11's console pages over HTTP: the widget's branding, a customer's recent history, naming a
customer, and managing users and skill groups — each with who may and who may not."""

from __future__ import annotations

from typing import Any

from tests.browser.test_chat_flow import tiny_png
from tests.conftest import _persona, login, new_visitor


def _open(customer) -> int:
    return int(customer.post("/api/v1/visitor/conversations").json()["conversation"]["id"])


def _supervisor(app, admin) -> Any:
    created = admin.post(
        "/api/v1/admin/users",
        json={"username": "lead", "password": "lead-demo-123", "role": "supervisor", "display_name": "组长"},
    )
    assert created.status_code == 200, created.text
    persona = _persona(app)
    login(persona, ("lead", "lead-demo-123"))
    return persona


# ---- widget branding --------------------------------------------------------------------------


def test_admin_brands_the_widget_and_it_shows_on_the_widget_page(app, admin, agent1):
    page = app.get("/widget")
    assert "data-brand-name" not in page.text
    assert "w-logo" not in page.text

    saved = admin.put(
        "/api/v1/widget/settings",
        json={"name": "  云帆  科技 ", "reply_time": "一般 1 分钟内回复", "colour": "#0A7B55"},
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["branding"] == {
        "name": "云帆 科技",
        "reply_time": "一般 1 分钟内回复",
        "colour": "#0a7b55",
        "logo_url": None,
    }

    png = tiny_png()
    uploaded = admin.post("/api/v1/widget/logo", files={"file": ("logo.png", png, "image/png")})
    assert uploaded.status_code == 200, uploaded.text
    logo_url = uploaded.json()["branding"]["logo_url"]
    assert logo_url == "/api/v1/widget/logo?v=1"

    page = app.get("/widget").text
    assert 'data-brand-name="云帆 科技"' in page
    assert 'data-brand-colour="#0a7b55"' in page
    assert f'src="{logo_url}"' in page
    logo = app.get(logo_url)  # public: every visitor's widget loads it
    assert logo.status_code == 200
    assert logo.content == png
    assert logo.headers["content-type"] == "image/png"
    assert logo.headers["x-content-type-options"] == "nosniff"

    # Only admins change it; agents do not even read it (supervisors read: see the users test).
    assert agent1.get("/api/v1/widget/settings").status_code == 403
    assert agent1.put("/api/v1/widget/settings", json={"name": "x"}).status_code == 403
    assert agent1.post("/api/v1/widget/logo", files={"file": ("l.png", png, "image/png")}).status_code == 403

    # Back to the defaults.
    assert admin.put("/api/v1/widget/settings", json={"name": "", "colour": None}).json()["branding"]["name"] is None
    assert admin.delete("/api/v1/widget/logo").json()["branding"]["logo_url"] is None
    assert app.get("/api/v1/widget/logo").status_code == 404


def test_branding_input_is_sanitised(admin):
    for colour in ("red", "#fff", "#12345g", "#123456;background:url(x)", "expression(alert(1))"):
        response = admin.put("/api/v1/widget/settings", json={"colour": colour})
        assert response.status_code == 422, colour
    assert admin.put("/api/v1/widget/settings", json={"name": "名" * 61}).status_code == 422
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = admin.post("/api/v1/widget/logo", files={"file": ("logo.png", svg, "image/png")})
    assert (response.status_code, response.json()["error"]["code"]) == (422, "bad_logo_type")
    big = tiny_png() + b"\0" * (256 * 1024)
    response = admin.post("/api/v1/widget/logo", files={"file": ("logo.png", big, "image/png")})
    assert response.status_code == 413


# ---- a returning customer's history --------------------------------------------------------------


def test_a_returning_customer_sees_only_their_own_closed_conversations(app, agent1):
    zhang, li = new_visitor(app, "张三"), new_visitor(app, "李四")
    assert zhang.get("/api/v1/visitor/history").json() == {"messages": []}
    conv = _open(zhang)
    assert zhang.post(f"/api/v1/conversations/{conv}/messages", json={"text": "我的订单还没到"}).status_code == 200
    other = _open(li)
    li.post(f"/api/v1/conversations/{other}/messages", json={"text": "李四的秘密"})
    # An open conversation is not history yet.
    assert zhang.get("/api/v1/visitor/history").json() == {"messages": []}
    assert zhang.post(f"/api/v1/conversations/{conv}/close").status_code == 200
    assert li.post(f"/api/v1/conversations/{other}/close").status_code == 200

    texts = [m["text"] for m in zhang.get("/api/v1/visitor/history").json()["messages"]]
    assert "我的订单还没到" in texts
    assert "李四的秘密" not in texts
    assert {m["conversation_id"] for m in zhang.get("/api/v1/visitor/history").json()["messages"]} == {conv}
    assert len(zhang.get("/api/v1/visitor/history?limit=1").json()["messages"]) == 1
    assert zhang.get("/api/v1/visitor/history?limit=0").status_code == 422
    # Not for agents (they have the customer's conversations in the console) nor for strangers.
    assert agent1.get("/api/v1/visitor/history").status_code == 403
    assert app.get("/api/v1/visitor/history").status_code == 401


# ---- naming a customer -----------------------------------------------------------------------------


def test_an_agent_who_may_see_the_customer_names_them(app, agent1, agent2, admin):
    visitor = new_visitor(app)
    conv = _open(visitor)
    customer_id = int(visitor.get(f"/api/v1/conversations/{conv}").json()["conversation"]["customer_id"])
    assert agent1.put("/api/v1/routing/presence", json={"status": "online"}).status_code == 200
    taken = agent1.post(f"/api/v1/conversations/{conv}/take")
    if taken.status_code == 409:  # routing already gave it to the only agent online
        assert agent1.get(f"/api/v1/conversations/{conv}").json()["conversation"]["assignee_id"] is not None
    named = agent1.patch(f"/api/v1/customers/{customer_id}", json={"name": "  王女士 "})
    assert named.status_code == 200, named.text
    assert named.json() == {"customer": {"id": customer_id, "name": "王女士"}}
    assert agent1.get(f"/api/v1/conversations/{conv}").json()["conversation"]["customer_name"] == "王女士"

    # Another agent, who may not see any of the customer's conversations, learns nothing.
    response = agent2.patch(f"/api/v1/customers/{customer_id}", json={"name": "偷看"})
    assert (response.status_code, response.json()["error"]["code"]) == (404, "customer_not_found")
    assert admin.patch(f"/api/v1/customers/{customer_id}", json={"name": "王芳"}).status_code == 200
    assert agent1.patch(f"/api/v1/customers/{customer_id}", json={"name": "  "}).status_code == 422
    assert agent1.patch("/api/v1/customers/999999", json={"name": "谁"}).status_code == 404
    # Customers rename themselves through /visitor/me, not here.
    assert visitor.patch(f"/api/v1/customers/{customer_id}", json={"name": "我"}).status_code == 403


# ---- users and groups ------------------------------------------------------------------------------


def test_admin_manages_users_and_supervisors_only_look(app, admin, agent1):
    lead = _supervisor(app, admin)
    groups = {g["name"]: g["id"] for g in admin.get("/api/v1/routing/groups").json()["groups"]}
    users = lead.get("/api/v1/admin/users").json()["users"]
    assert {"admin", "agent1", "agent2", "lead"} <= {u["username"] for u in users}
    assert all("password_hash" not in u for u in users)
    assert agent1.get("/api/v1/admin/users").status_code == 403
    assert lead.get("/api/v1/widget/settings").status_code == 200  # supervisors read the branding too
    new_user = {"username": "agent3", "password": "agent3-demo-123", "role": "agent", "display_name": "小张"}
    assert lead.post("/api/v1/admin/users", json=new_user).status_code == 403
    assert agent1.post("/api/v1/admin/users", json=new_user).status_code == 403

    created = admin.post("/api/v1/admin/users", json={**new_user, "group_ids": [groups["支付售后"]]})
    assert created.status_code == 200, created.text
    user = created.json()["user"]
    assert (user["role"], user["group_ids"], user["is_active"]) == ("agent", [groups["支付售后"]], True)
    assert admin.post("/api/v1/admin/users", json=new_user).status_code == 422  # the name is taken
    assert admin.post("/api/v1/admin/users", json={**new_user, "username": "x", "password": "short"}).status_code == 422
    assert (
        admin.post("/api/v1/admin/users", json={**new_user, "username": "y", "group_ids": [99999]}).status_code == 422
    )

    third = _persona(app)
    login(third, ("agent3", "agent3-demo-123"))
    changed = admin.patch(
        f"/api/v1/admin/users/{user['id']}", json={"role": "supervisor", "group_ids": list(groups.values())}
    )
    assert changed.json()["user"]["role"] == "supervisor"
    assert sorted(changed.json()["user"]["group_ids"]) == sorted(groups.values())
    assert lead.patch(f"/api/v1/admin/users/{user['id']}", json={"role": "admin"}).status_code == 403

    # A password reset signs the user out everywhere; the new password works.
    assert (
        admin.post(f"/api/v1/admin/users/{user['id']}/password", json={"password": "new-pass-456"}).status_code == 200
    )
    assert third.get("/api/v1/auth/me").status_code == 401
    login(third, ("agent3", "new-pass-456"))
    # Deactivated: signed out and cannot sign in again.
    assert (
        admin.patch(f"/api/v1/admin/users/{user['id']}", json={"is_active": False}).json()["user"]["is_active"] is False
    )
    assert third.get("/api/v1/auth/me").status_code == 401
    assert app.post("/api/v1/auth/login", json={"username": "agent3", "password": "new-pass-456"}).status_code == 401
    # An admin cannot lock themselves out.
    me = admin.get("/api/v1/auth/me").json()["user"]["id"]
    assert admin.patch(f"/api/v1/admin/users/{me}", json={"is_active": False}).status_code == 422
    assert admin.patch(f"/api/v1/admin/users/{me}", json={"role": "agent"}).status_code == 422


def test_admin_creates_and_renames_groups_and_sets_their_hours(app, admin, agent1):
    lead = _supervisor(app, admin)
    created = admin.post("/api/v1/admin/groups", json={"name": "企业客户", "description": "大客户专线"})
    assert created.status_code == 200, created.text
    group = created.json()["group"]
    assert (group["name"], group["description"], group["hours"]) == ("企业客户", "大客户专线", None)
    assert admin.post("/api/v1/admin/groups", json={"name": "企业客户"}).status_code == 409
    assert admin.post("/api/v1/admin/groups", json={"name": "  "}).status_code == 422
    assert lead.post("/api/v1/admin/groups", json={"name": "组长的组"}).status_code == 403
    assert agent1.patch(f"/api/v1/admin/groups/{group['id']}", json={"name": "改名"}).status_code == 403

    renamed = admin.patch(f"/api/v1/admin/groups/{group['id']}", json={"name": "企业服务"})
    assert renamed.json()["group"]["name"] == "企业服务"
    assert admin.patch(f"/api/v1/admin/groups/{group['id']}", json={"name": "账号安全"}).status_code == 409
    hours = {"timezone": "Asia/Shanghai", "weekly": {"mon": ["09:00-18:00"], "sat": []}}
    configured = admin.patch(
        f"/api/v1/routing/groups/{group['id']}", json={"hours": hours, "default_capacity": 3, "strategy": "round_robin"}
    )
    assert configured.status_code == 200, configured.text
    assert configured.json()["group"]["hours"] == hours
    names = [g["name"] for g in lead.get("/api/v1/routing/groups").json()["groups"]]
    assert "企业服务" in names
