from tests.conftest import new_visitor


def test_customer_message_reaches_agent(app, agent1, customer):
    conv = customer.post("/api/v1/visitor/conversations").json()["conversation"]
    r = customer.post(
        f"/api/v1/conversations/{conv['id']}/messages",
        json={"text": "你好，我忘记密码了", "client_msg_id": "c1"},
    )
    assert r.status_code == 200, r.text
    waiting = agent1.get("/api/v1/conversations", params={"view": "waiting"}).json()["conversations"]
    assert [c["id"] for c in waiting] == [conv["id"]]
    assert waiting[0]["unread"] == 1
    other = new_visitor(app)
    assert other.get(f"/api/v1/conversations/{conv['id']}/messages").status_code == 404
