"""Exports of tickets and conversations over the REST API: content, range, who may, control characters,
and transcripts that hold what the customer saw — never internal notes."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.conftest import new_visitor
from tests.support import TickingClock

DAY = "2026-03-02"  # the test clock's day (Asia/Shanghai)


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert int(response.headers["x-total-count"]) == len(rows)
    return rows


def _xlsx(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert int(response.headers["content-length"]) == len(response.content)
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert int(response.headers["x-total-count"]) == len(rows)
    return [dict(zip([str(h) for h in header], r, strict=True)) for r in rows]


def _chat_and_ticket(agent: TestClient, customer: TestClient, text: str) -> tuple[int, dict[str, Any]]:
    conv = int(_ok(customer.post("/api/v1/visitor/conversations"))["conversation"]["id"])
    _ok(customer.post(f"/api/v1/conversations/{conv}/messages", json={"text": text}))
    _ok(agent.post(f"/api/v1/conversations/{conv}/take"))
    _ok(agent.post(f"/api/v1/conversations/{conv}/notes", json={"body": "会话内部备注：老客户", "mention_ids": []}))
    _ok(agent.post(f"/api/v1/conversations/{conv}/messages", json={"text": "您好，我来看看"}))
    ticket = _ok(agent.post(f"/api/v1/conversations/{conv}/ticket", json={"type_key": "repair"}), 201)["ticket"]
    _ok(agent.post(f"/api/v1/tickets/{ticket['id']}/notes", json={"body": "内部备注：别告诉客户"}), 201)
    return conv, ticket


def test_tickets_csv_and_xlsx(admin: TestClient, agent1: TestClient, customer: TestClient) -> None:
    _conv, ticket = _chat_and_ticket(agent1, customer, "耳机\x07充不进电\x1b")
    rows = _csv(admin.get(f"/api/v1/tickets/export?format=csv&from={DAY}&to={DAY}"))
    mine = next(r for r in rows if r["number"] == ticket["number"])
    assert mine["title"] == "耳机充不进电"  # control characters stripped
    assert (mine["type"], mine["status"], mine["assignee"]) == ("repair", "open", "小王")
    assert mine["source"] == "conversation"
    assert mine["created_at"].startswith(DAY)
    assert "内部备注" not in str(rows)
    sheet = _xlsx(admin.get(f"/api/v1/tickets/export?format=xlsx&from={DAY}&to={DAY}"))
    assert {r["number"] for r in sheet} == {r["number"] for r in rows}


def test_conversations_with_transcripts(admin: TestClient, agent1: TestClient, customer: TestClient) -> None:
    conv, _ticket = _chat_and_ticket(agent1, customer, '=HYPERLINK("http://x")\x07 坏了\x0b')
    rows = _csv(admin.get(f"/api/v1/conversations/export?from={DAY}&to={DAY}"))
    row = next(r for r in rows if r["id"] == str(conv))
    lines = row["transcript"].split("\n")
    assert lines[0].endswith('customer: =HYPERLINK("http://x") 坏了')
    assert lines[1].endswith("agent 小王: 您好，我来看看")
    assert row["messages"] == "2"  # system lines are not part of the transcript
    assert "内部备注" not in str(rows)  # neither the conversation's note nor the ticket's
    sheet = _xlsx(admin.get(f"/api/v1/conversations/export?format=xlsx&from={DAY}&to={DAY}"))
    cell = next(r for r in sheet if r["id"] == conv)["transcript"]
    assert "内部备注" not in str(sheet)
    assert '=HYPERLINK("http://x") 坏了' in cell  # a text, not a formula, and no control character


def test_the_range(
    app: TestClient, admin: TestClient, agent1: TestClient, customer: TestClient, clock: TickingClock
) -> None:
    _conv, ticket = _chat_and_ticket(agent1, customer, "第一天")
    clock.advance(days=2)
    _later, other = _chat_and_ticket(agent1, new_visitor(app, "李四"), "第三天")
    first_day = {r["number"] for r in _csv(admin.get(f"/api/v1/tickets/export?from={DAY}&to={DAY}"))}
    assert ticket["number"] in first_day
    assert other["number"] not in first_day
    both = {r["number"] for r in _csv(admin.get(f"/api/v1/tickets/export?from={DAY}&to=2026-03-04"))}
    assert {ticket["number"], other["number"]} <= both
    late = "/api/v1/tickets/export?from=2026-03-04T00:00:00%2B08:00&to=2026-03-05"
    assert [r["number"] for r in _csv(admin.get(late))] == [other["number"]]
    empty = admin.get("/api/v1/tickets/export?from=2026-03-10&to=2026-03-11")
    assert _csv(empty) == []
    assert empty.headers["x-total-count"] == "0"
    assert admin.get(f"/api/v1/tickets/export?from=2026-03-05&to={DAY}").status_code == 422
    assert admin.get("/api/v1/tickets/export?from=yesterday&to=today").status_code == 422
    assert admin.get(f"/api/v1/tickets/export?format=pdf&from={DAY}&to={DAY}").status_code == 422


def test_only_supervisors_and_admins(app: TestClient, agent1: TestClient, customer: TestClient) -> None:
    for kind in ("tickets", "conversations"):
        assert agent1.get(f"/api/v1/{kind}/export?from={DAY}&to={DAY}").status_code == 403
        assert customer.get(f"/api/v1/{kind}/export?from={DAY}&to={DAY}").status_code in (401, 403)
        assert app.get(f"/api/v1/{kind}/export?from={DAY}&to={DAY}").status_code == 401
