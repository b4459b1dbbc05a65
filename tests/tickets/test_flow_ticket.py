"""A guided flow's ``end: ticket`` files a ticket of the flow's type with what it collected, and a
ticket made from that conversation in one click is pre-filled the same way."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.bot.test_bot_flow import _ask, _start
from tests.conftest import _persona, login
from tests.flows.test_journeys import demo_system, journeys  # noqa: F401 (fixtures)
from tests.support import ADMIN


def test_the_repair_flow_files_a_repair_ticket(journeys: TestClient) -> None:  # noqa: F811
    customer, conv = _start(journeys)
    for text in ("我要报修", "K1 Pro", "SN10K1P04571", "屏幕不亮了", "13700137000"):
        _ask(journeys, customer, conv, text)
    admin = _persona(journeys)
    login(admin, ADMIN)
    tickets = admin.get("/api/v1/tickets", params={"q": "13700137000"}).json()["tickets"]
    assert len(tickets) == 1
    ticket = tickets[0]
    assert (ticket["type_key"], ticket["source"], ticket["title"]) == ("repair", "flow", "报修")
    assert ticket["fields"]["model"] == "K1 Pro"
    assert ticket["fields"]["serial"] == "SN10K1P04571"
    assert ticket["fields"]["fault"] == "屏幕不亮了"
    detail = admin.get(f"/api/v1/tickets/{ticket['id']}").json()
    assert detail["conversation_ids"] == [conv]
    mine = customer.get("/api/v1/visitor/tickets").json()["tickets"]
    assert [t["number"] for t in mine] == [ticket["number"]]

    again = admin.post(f"/api/v1/conversations/{conv}/ticket", json={})
    assert again.status_code == 201, again.text
    prefilled = again.json()["ticket"]
    assert (prefilled["type_key"], prefilled["title"], prefilled["fields"]["model"]) == ("repair", "报修", "K1 Pro")
