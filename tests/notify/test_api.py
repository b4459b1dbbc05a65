"""The REST view of notifications (supervisors and admins), staff setting contact details, and the
unsubscribe page reached from an e-mail."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kefu.notify import links


def test_admins_list_notifications_agents_may_not(admin: TestClient, agent1: TestClient) -> None:
    response = admin.get("/api/v1/notifications")
    assert response.status_code == 200, response.text
    assert response.json() == {"notifications": []}
    assert agent1.get("/api/v1/notifications").status_code == 403
    assert admin.get("/api/v1/notifications", params={"status": "nope"}).status_code == 422


def test_staff_set_a_contact_and_the_customer_unsubscribes(app: TestClient, admin: TestClient) -> None:
    visitor = app.post("/api/v1/visitor/session", json={"name": "刘女士"}).json()
    customer_id = visitor["customer"]["id"]
    url = f"/api/v1/customers/{customer_id}/contact"
    response = admin.put(url, json={"email": "Liu@Example.com", "email_verified": True, "phone": "138 0013 8000"})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "customer_id": customer_id,
        "email": "Liu@example.com",
        "email_verified": True,
        "phone": "13800138000",
        "phone_verified": False,
        "notify_opt_out": False,
    }
    assert admin.put(url, json={"email": "not an address"}).status_code == 422

    link = links.unsubscribe(app.app.state.ctx.settings, customer_id)
    page = app.get(link.removeprefix(links.public_url(app.app.state.ctx.settings)))
    assert page.status_code == 200
    assert "您已退订" in page.text
    assert admin.put(url, json={}).json()["notify_opt_out"] is True
    assert app.get("/notify/unsubscribe?token=forged.token").status_code == 400
