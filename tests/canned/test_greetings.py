"""A skill group's own greetings reach its customers: group + channel → group → organisation → catalogue."""

from __future__ import annotations

from typing import Any

from kefu.texts import render
from kefu.texts.book import TextBook
from kefu.texts.render import Phrase
from tests.conftest import new_visitor


def _group_id(persona: Any, name: str) -> int:
    groups = persona.get("/api/v1/routing/groups").json()["groups"]
    return int(next(g["id"] for g in groups if g["name"] == name))


def _set(admin: Any, group_id: int, code: str, text: str, channel: str = "") -> Any:
    path = f"/api/v1/greetings/{group_id}/{code}/zh-CN"
    return admin.put(path, params={"channel": channel}, json={"text": text})


def test_the_text_book_resolves_group_and_channel_then_group_then_organisation_then_catalogue() -> None:
    book = TextBook()
    welcome = Phrase("chat.welcome")
    assert book.say(welcome, "zh-CN", "web", 7) == render("chat.welcome", "zh-CN")
    book.replace({("chat.welcome", "zh-CN"): "机构欢迎语"})
    assert book.say(welcome, "zh-CN", "web", 7) == "机构欢迎语"
    book.replace(
        {("chat.welcome", "zh-CN"): "机构欢迎语"},
        groups={
            (7, "", "chat.welcome", "zh-CN"): "组欢迎语，服务时间 {hours}",
            (7, "wechat", "chat.welcome", "zh-CN"): "微信组欢迎语",
        },
        group_hours={(7, "zh-CN"): "周一至周五 09:00–18:00"},
    )
    assert book.say(welcome, "zh-CN", "web", 7) == "组欢迎语，服务时间 周一至周五 09:00–18:00"
    assert book.say(welcome, "zh-CN", "wechat", 7) == "微信组欢迎语"
    assert book.say(welcome, "zh-CN", "web", 8) == "机构欢迎语"
    assert book.say(welcome, "zh-CN", "web", None) == "机构欢迎语"


def test_only_admins_set_greetings_and_placeholders_are_checked(admin, agent1):
    group = _group_id(admin, "账号安全")
    assert _set(agent1, group, "chat.welcome", "你好").status_code == 403
    assert _set(admin, group, "bot.greeting", "你好").status_code == 422  # not a greeting
    bad = _set(admin, group, "agent.joined", "{name} 为您服务")
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "placeholders_mismatch"
    assert _set(admin, group, "agent.joined", "安全专员已接入").status_code == 200  # {agent} may be left out
    assert _set(admin, group, "chat.welcome", "x", channel="fax").status_code == 422
    listed = agent1.get("/api/v1/greetings").json()
    assert [g["code"] for g in listed["greetings"]] == ["agent.joined"]
    assert listed["kinds"]["closing"][0] == "conversation.closed.by_agent"


def test_a_groups_own_welcome_joined_and_closing_words_are_what_its_customers_get(app, admin, agent1):
    group = _group_id(admin, "账号安全")
    assert _set(admin, group, "chat.welcome", "您好，这里是账号安全专线，服务时间 {hours}。").status_code == 200
    assert _set(admin, group, "chat.welcome", "微信里的账号安全专线", channel="wechat").status_code == 200
    assert _set(admin, group, "agent.joined", "账号安全专员 {agent} 为您服务。").status_code == 200
    assert _set(admin, group, "conversation.closed.by_agent", "账号安全组感谢您的耐心，祝您顺利！").status_code == 200
    session = admin.post("/api/v1/visitor/session", json={"group_id": group}).json()
    assert session["welcome"] == "您好，这里是账号安全专线，服务时间 全天 24 小时。"
    assert admin.post("/api/v1/visitor/session", json={}).json()["welcome"] == render("chat.welcome", "zh-CN")
    assert "账号安全专线" in app.get(f"/widget?group={group}").text
    customer = new_visitor(app, "王五")
    conv = int(customer.post("/api/v1/visitor/conversations").json()["conversation"]["id"])
    assert admin.post(f"/api/v1/conversations/{conv}/take").status_code == 200
    moved = admin.post(f"/api/v1/routing/conversations/{conv}/transfer", json={"group_id": group})
    assert moved.status_code == 200, moved.text
    assert agent1.put("/api/v1/routing/presence", json={"status": "online"}).status_code == 200
    assert agent1.post(f"/api/v1/conversations/{conv}/close").status_code == 200
    said = [m["text"] for m in customer.get(f"/api/v1/conversations/{conv}/messages").json()["messages"]]
    assert "账号安全专员 小王 为您服务。" in said
    assert said[-1] == "账号安全组感谢您的耐心，祝您顺利！"
    other = _group_id(admin, "支付售后")
    assert admin.post("/api/v1/visitor/session", json={"group_id": other}).json()["welcome"] == render(
        "chat.welcome", "zh-CN"
    )
    assert admin.delete(f"/api/v1/greetings/{group}/chat.welcome/zh-CN").status_code == 200
    session = admin.post("/api/v1/visitor/session", json={"group_id": group}).json()
    assert session["welcome"] == render("chat.welcome", "zh-CN")
