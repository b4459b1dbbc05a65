"""The 话术库 over REST: who may change which scope, search (pinyin initials too), files, rendering."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook, load_workbook

from kefu.security import auth
from tests.conftest import _persona, login, new_visitor


def _supervisor(app: Any) -> Any:
    """主管老周, supervisor of 账号安全."""

    async def add() -> None:
        await auth.add_user(
            app.app.state.ctx, "sup", "sup-demo-1234", role="supervisor", display_name="老周", groups=("账号安全",)
        )

    app.portal.call(add)
    persona = _persona(app)
    login(persona, ("sup", "sup-demo-1234"))
    return persona


def _group_id(persona: Any, name: str) -> int:
    groups = persona.get("/api/v1/routing/groups").json()["groups"]
    return int(next(g["id"] for g in groups if g["name"] == name))


def _folder(persona: Any, scope: str, name: str, group_id: int | None = None) -> Any:
    body: dict[str, Any] = {"scope": scope, "name": name}
    if group_id is not None:
        body["skill_group_id"] = group_id
    return persona.post("/api/v1/canned/folders", json=body)


def _reply(persona: Any, folder_id: int, title: str, text: str, shortcut: str = "") -> Any:
    body = {"folder_id": folder_id, "title": title, "text": text, "shortcut": shortcut}
    return persona.post("/api/v1/canned", json=body)


def _titles(persona: Any, q: str) -> list[str]:
    response = persona.get("/api/v1/canned/search", params={"q": q})
    assert response.status_code == 200, response.text
    return [r["title"] for r in response.json()["replies"]]


def test_each_scope_is_changed_by_whom_it_says_and_read_by_its_audience(app, agent1, agent2, admin):
    supervisor = _supervisor(app)
    security, payments = _group_id(admin, "账号安全"), _group_id(admin, "支付售后")
    # organisation: admins only
    assert _folder(agent1, "organisation", "公共").status_code == 403
    assert _folder(supervisor, "organisation", "公共").status_code == 403
    org = _folder(admin, "organisation", "公共").json()["folder"]
    assert _reply(agent1, org["id"], "x", "y").status_code == 403
    # team: supervisors and admins; members read
    assert _folder(agent1, "team", "安全组话术", security).status_code == 403
    team = _folder(supervisor, "team", "安全组话术", security).json()["folder"]
    assert _reply(supervisor, team["id"], "冻结说明", "账号已冻结，请通过人脸验证解冻。").status_code == 200
    assert _reply(agent1, team["id"], "x", "y").status_code == 403
    assert _folder(admin, "team", "支付组话术", payments).status_code == 200
    # personal: the owner only, invisible to everyone else (admins too)
    mine = _folder(agent2, "personal", "我的").json()["folder"]
    assert _reply(agent2, mine["id"], "私房话", "只有我能看到", "sfh").status_code == 200
    assert _reply(admin, mine["id"], "x", "y").status_code == 404

    def folder_names(persona: Any) -> set[str]:
        return {f["name"] for f in persona.get("/api/v1/canned").json()["folders"]}

    assert {"公共", "安全组话术", "我的", "支付组话术"} - folder_names(agent1) == {"我的", "支付组话术"}
    assert {"公共", "支付组话术", "我的"} <= folder_names(agent2)
    assert "安全组话术" not in folder_names(agent2)
    assert "我的" not in folder_names(admin)
    assert {"安全组话术", "支付组话术"} <= folder_names(supervisor)
    assert _titles(agent1, "冻结") == ["冻结说明"]
    assert _titles(agent2, "冻结") == []
    assert _titles(agent1, "私房") == []
    assert _titles(agent2, "sfh") == ["私房话"]
    editable = {r["title"]: r["editable"] for r in agent1.get("/api/v1/canned").json()["replies"]}
    assert editable["冻结说明"] is False


def test_search_finds_by_pinyin_initials_shortcut_title_and_text(agent1):
    assert _titles(agent1, "cfh")[0] == "催发货"  # the demo library; its shortcut is cuifahuo
    assert _titles(agent1, "/cfh")[0] == "催发货"
    assert _titles(agent1, "cuifa")[0] == "催发货"
    assert _titles(agent1, "jsy")[0] == "结束语"
    assert "质量问题请拍照" in _titles(agent1, "拍照")
    assert "退款到账时间" in _titles(agent1, "原路退回")  # by its text
    assert len(agent1.get("/api/v1/canned/search").json()["replies"]) == 20  # the popup just opened
    library = agent1.get("/api/v1/canned").json()
    assert len(library["replies"]) >= 25
    assert {"customer_name", "order_number"} <= {v["key"] for v in library["variables"]}


def test_a_bad_line_is_named_and_nothing_is_imported(admin, agent1):
    before = len(admin.get("/api/v1/canned").json()["replies"])
    csv_text = "文件夹,标题,快捷词,内容\n导入,好评返现,hp,感谢好评！\n导入,,x,没有标题\n导入,第三条,dsd,内容\n"
    files = {"file": ("canned.csv", csv_text.encode("utf-8"), "text/csv")}
    response = admin.post("/api/v1/canned/import", files=files)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "bad_canned_row"
    assert response.json()["error"]["message"].startswith("line 3:")
    assert len(admin.get("/api/v1/canned").json()["replies"]) == before
    ok = "文件夹,标题,快捷词,内容\n导入,好评返现,hp,感谢好评！\n"
    response = admin.post("/api/v1/canned/import", files={"file": ("c.csv", ok.encode(), "text/csv")})
    assert response.json() == {"created": 1, "updated": 0, "folders_created": 1}
    refused = agent1.post("/api/v1/canned/import", files={"file": ("c.csv", ok.encode(), "text/csv")})
    assert refused.status_code == 422
    assert "line 2" in refused.json()["error"]["message"]


def test_export_then_import_changes_nothing_in_csv_and_xlsx(admin):
    count = len(admin.get("/api/v1/canned").json()["replies"])
    for kind in ("csv", "xlsx"):
        exported = admin.get("/api/v1/canned/export", params={"format": kind})
        assert exported.status_code == 200
        response = admin.post("/api/v1/canned/import", files={"file": (f"back.{kind}", exported.content)})
        assert response.json() == {"created": 0, "updated": count, "folders_created": 0}, response.text
    sheet = load_workbook(io.BytesIO(admin.get("/api/v1/canned/export").content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["folder", "scope", "group", "title", "shortcut", "text", "sort"]
    book = Workbook()
    book.active.append(["标题", "内容", "范围"])
    book.active.append(["好", "好的", "全世界"])
    buffer = io.BytesIO()
    book.save(buffer)
    bad = admin.post("/api/v1/canned/import", files={"file": ("bad.xlsx", buffer.getvalue())})
    assert bad.status_code == 422
    assert bad.json()["error"]["message"].startswith("line 2: scope")


def _reply_id(persona: Any, title: str) -> int:
    return int(next(r["id"] for r in persona.get("/api/v1/canned").json()["replies"] if r["title"] == title))


def test_render_fills_what_the_conversation_knows_and_marks_the_rest(app, agent1, admin):
    customer = new_visitor(app, "张三")
    conv = int(customer.post("/api/v1/visitor/conversations").json()["conversation"]["id"])
    assert agent1.put("/api/v1/routing/presence", json={"status": "online"}).status_code == 200
    assert agent1.post(f"/api/v1/conversations/{conv}/take").status_code in (200, 409)
    cfh = _reply_id(agent1, "催发货")
    rendered = agent1.post(f"/api/v1/canned/{cfh}/render", json={"conversation_id": conv}).json()
    assert rendered["text"].startswith("您好张三，已为您查询订单 【请填写：订单号】，")
    assert rendered["placeholders"] == ["【请填写：订单号】"]
    sent = customer.post(f"/api/v1/conversations/{conv}/messages", json={"text": "我的订单 202612010001 还没发货"})
    assert sent.status_code in (200, 201), sent.text
    rendered = agent1.post(f"/api/v1/canned/{cfh}/render", json={"conversation_id": conv}).json()
    assert "订单 202612010001" in rendered["text"]
    assert rendered["placeholders"] == []
    hi = agent1.post(f"/api/v1/canned/{_reply_id(agent1, '普通问候')}/render", json={"conversation_id": conv}).json()
    assert hi["text"] == "您好张三，我是客服小王，很高兴为您服务，请问有什么可以帮您？"
    hours = agent1.post(f"/api/v1/canned/{_reply_id(agent1, '服务时间说明')}/render", json={}).json()
    assert "全天 24 小时" in hours["text"]  # 账号安全 is open 24/7 in the demo
    ticket = agent1.post(f"/api/v1/canned/{_reply_id(agent1, '升级主管')}/render", json={"conversation_id": conv})
    assert ticket.json()["placeholders"] == ["【请填写：工单号】"]
    assert agent1.put("/api/v1/routing/presence", json={"status": "offline"}).status_code == 200
    other = new_visitor(app, "李四")
    other_conv = int(other.post("/api/v1/visitor/conversations").json()["conversation"]["id"])
    assert admin.post(f"/api/v1/conversations/{other_conv}/take").status_code == 200
    hidden = agent1.post(f"/api/v1/canned/{cfh}/render", json={"conversation_id": other_conv})
    assert hidden.status_code == 404  # not the agent's conversation
