"""The REST API of flows: who may read, check, save, publish, retire and test-run them, and how a file
with errors is refused (every problem with its line and field)."""

from __future__ import annotations

from fastapi.testclient import TestClient

FLOWS = "/api/v1/flows"
GOOD = """key: api_test
name: {zh-CN: 接口测试, en: API test}
steps:
  - id: ask
    choose:
      - {label: 好的, next: done}
    say: 要继续吗？
  - id: done
    end: resolved
    say: 完成
"""
UNKNOWN_FIELD = GOOD.replace("    say: 完成\n", "    say: 完成\n    colour: red\n")  # line 11
NOWHERE = GOOD.replace("next: done", "next: nowhere")  # line 6


def test_staff_read_but_only_admins_write(admin: TestClient, agent1: TestClient) -> None:
    keys = {v["key"] for v in agent1.get(FLOWS).json()["versions"]}
    assert {"forgot_password", "account_stolen"} <= keys
    assert agent1.post(f"{FLOWS}/check", json={"source": GOOD}).json()["ok"] is True

    refused = [
        agent1.post(f"{FLOWS}/versions", json={"source": GOOD}),
        agent1.post(f"{FLOWS}/simulate", json={"source": GOOD}),
        agent1.delete(f"{FLOWS}/forgot_password/published"),
    ]
    assert [r.status_code for r in refused] == [403] * 3
    assert refused[0].json()["error"]["code"] == "not_admin"

    saved = admin.post(f"{FLOWS}/versions", json={"source": GOOD})
    assert saved.status_code == 201, saved.text
    version = saved.json()["version"]
    assert (version["key"], version["version"], version["status"]) == ("api_test", 1, "draft")
    assert version["created_by_name"] == "管理员"
    assert agent1.post(f"{FLOWS}/versions/{version['id']}/publish").status_code == 403

    published = admin.post(f"{FLOWS}/versions/{version['id']}/publish")
    assert published.json()["version"]["status"] == "published"
    listed = agent1.get(FLOWS, params={"key": "api_test"}).json()["versions"]
    assert [(v["version"], v["status"], v["created_by_name"]) for v in listed] == [(1, "published", "管理员")]
    assert [s["id"] for s in listed[0]["outline"]] == ["ask", "done"]
    assert listed[0]["outline"][0]["goes"] == {"好的": "done"}

    assert admin.delete(f"{FLOWS}/api_test/published").status_code == 204
    assert admin.get(f"{FLOWS}/versions/{version['id']}").json()["version"]["status"] == "retired"


def test_a_file_with_errors_is_refused_with_its_lines(admin: TestClient) -> None:
    nowhere = admin.post(f"{FLOWS}/check", json={"source": NOWHERE}).json()
    assert nowhere["ok"] is False
    assert [p["line"] for p in nowhere["problems"]] == [6], nowhere["problems"]
    assert "nowhere" in nowhere["problems"][0]["message"]

    checked = admin.post(f"{FLOWS}/check", json={"source": UNKNOWN_FIELD}).json()
    assert [(p["line"], p["field"]) for p in checked["problems"]] == [(11, "steps[1].colour")]

    refused = admin.post(f"{FLOWS}/versions", json={"source": UNKNOWN_FIELD})
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "bad_flow"
    assert {(d["line"], d["field"]) for d in error["details"]} == {(p["line"], p["field"]) for p in checked["problems"]}
    assert admin.get(FLOWS, params={"key": "api_test"}).json()["versions"] == []


def test_a_test_run_goes_to_the_end(admin: TestClient) -> None:
    first = admin.post(f"{FLOWS}/simulate", json={"source": GOOD, "text": "", "state": None}).json()
    assert first["said"][0]["meta"]["buttons"][0]["label"] == "好的"
    assert first["ended"] is None
    last = admin.post(
        f"{FLOWS}/simulate",
        json={"source": GOOD, "text": "好的", "state": first["state"], "run_id": first["run_id"]},
    ).json()
    assert (last["ended"], last["reason"], last["state"]) == ("resolved", "completed", None)
    assert last["said"][-1]["text"] == "完成"
    assert last["summary"]["flow_key"] == "api_test"


def test_without_a_session_nothing_is_shown(client: TestClient) -> None:
    assert client.get(FLOWS).status_code == 401
    assert client.post(f"{FLOWS}/check", json={"source": GOOD}).status_code in (401, 403)
