"""Bad input over HTTP gets a clear error and changes nothing."""

from __future__ import annotations

import struct
import zlib

import pytest


def tiny_png() -> bytes:
    """A valid 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def _conv(customer) -> int:
    return int(customer.post("/api/v1/visitor/conversations").json()["conversation"]["id"])


def _count(customer, conv: int) -> int:
    return len(customer.get(f"/api/v1/conversations/{conv}/messages").json()["messages"])


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ('{"text": "未闭合', 422, "invalid_request"),
        ("[]", 422, "invalid_request"),
        ('{"txt": "typo"}', 422, "invalid_request"),
        ('{"text": 42}', 422, "invalid_request"),
        ('{"text": ""}', 422, "message_empty"),
        ('{"text": "ok", "client_msg_id": "has spaces"}', 422, "bad_client_msg_id"),
    ],
)
def test_malformed_message_bodies(customer, body, status, code):
    conv = _conv(customer)
    r = customer.post(
        f"/api/v1/conversations/{conv}/messages", content=body, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    assert _count(customer, conv) == 0


def test_too_long_message(customer):
    conv = _conv(customer)
    r = customer.post(f"/api/v1/conversations/{conv}/messages", json={"text": "长" * 5001})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "message_too_long"
    assert _count(customer, conv) == 0


@pytest.mark.parametrize("path", ["/api/v1/conversations/999999/messages", "/api/v1/conversations/abc/messages"])
def test_unknown_conversation_ids(customer, path):
    r = customer.post(path, json={"text": "你好"})
    assert r.status_code in (404, 422)
    assert "error" in r.json()


def test_resend_returns_the_original(customer):
    conv = _conv(customer)
    first = customer.post(f"/api/v1/conversations/{conv}/messages", json={"text": "一次", "client_msg_id": "k1"})
    again = customer.post(f"/api/v1/conversations/{conv}/messages", json={"text": "一次", "client_msg_id": "k1"})
    assert first.json()["duplicate"] is False
    assert again.json()["duplicate"] is True
    assert again.json()["message"] == first.json()["message"]
    assert _count(customer, conv) == 1


def test_paging_parameters_are_checked(customer):
    conv = _conv(customer)
    assert customer.get(f"/api/v1/conversations/{conv}/messages?limit=0").status_code == 422
    assert customer.get(f"/api/v1/conversations/{conv}/messages?limit=1000").status_code == 422
    assert customer.get(f"/api/v1/conversations/{conv}/messages?after_seq=-1").status_code == 422
    assert customer.get("/api/v1/conversations?view=everything").status_code == 200  # customers: view ignored


def test_agent_view_names_are_checked(agent1):
    r = agent1.get("/api/v1/conversations?view=everything")
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "bad_view"


def test_visitor_name_is_checked(customer):
    assert customer.patch("/api/v1/visitor/me", json={"name": "   "}).json()["error"]["code"] == "name_empty"
    assert customer.patch("/api/v1/visitor/me", json={"name": "名" * 101}).status_code == 422
    assert customer.patch("/api/v1/visitor/me", json={"name": "赵六"}).json()["customer"]["name"] == "赵六"


def test_visitor_token_resumes_the_same_customer(app, customer):
    token = customer.headers["Authorization"].split()[1]
    again = customer.post("/api/v1/visitor/session", json={"token": token}).json()
    assert again["token"] == token
    assert again["customer"]["name"] == "张三"
    fresh = customer.post("/api/v1/visitor/session", json={"token": "v1.bogus.sig"}).json()
    assert fresh["token"] != token
    assert fresh["customer"]["id"] != again["customer"]["id"]


def test_image_upload_is_served_to_participants_only(app, customer, agent1):
    from tests.conftest import new_visitor

    conv = _conv(customer)
    png = tiny_png()
    r = customer.post(
        f"/api/v1/conversations/{conv}/attachments",
        files={"file": ("截图.png", png, "image/png")},
        data={"client_msg_id": "img-1"},
    )
    assert r.status_code == 200, r.text
    attachment = r.json()["message"]["attachment"]
    assert attachment["is_image"] is True
    assert attachment["content_type"] == "image/png"
    url = f"/api/v1/attachments/{attachment['id']}"
    got = customer.get(url)
    assert got.content == png
    assert got.headers["x-content-type-options"] == "nosniff"
    assert new_visitor(app).get(url).status_code == 404
    assert agent1.get(url).status_code == 200  # waiting in no group: every agent may look
    again = customer.post(
        f"/api/v1/conversations/{conv}/attachments",
        files={"file": ("截图.png", png, "image/png")},
        data={"client_msg_id": "img-1"},
    )
    assert again.json()["duplicate"] is True
    files = [p for p in app.app.state.ctx.settings.attachments_dir.rglob("*") if p.is_file()]
    assert len(files) == 1


@pytest.mark.parametrize(
    ("name", "data", "status", "code"),
    [
        ("evil.html", b"<html><script>alert(1)</script></html>", 422, "bad_file_type"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", 422, "bad_file_type"),
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff", 422, "bad_file_type"),
        ("fake.png", b"\x00\x01binary-not-an-image\xff\xfe", 422, "bad_file_type"),
        ("empty.png", b"", 422, "file_empty"),
        ("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 300_000, 413, "file_too_large"),
    ],
)
def test_bad_uploads_are_refused_and_store_nothing(app, customer, name, data, status, code):
    conv = _conv(customer)
    r = customer.post(f"/api/v1/conversations/{conv}/attachments", files={"file": (name, data, "image/png")})
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    assert _count(customer, conv) == 0
    stored = [p for p in app.app.state.ctx.settings.attachments_dir.rglob("*") if p.is_file()]
    assert stored == []


def test_upload_to_foreign_conversation_stores_nothing(app, customer):
    from tests.conftest import new_visitor

    other = _conv(new_visitor(app))
    r = customer.post(f"/api/v1/conversations/{other}/attachments", files={"file": ("a.png", tiny_png(), "image/png")})
    assert r.status_code == 404
    assert [p for p in app.app.state.ctx.settings.attachments_dir.rglob("*") if p.is_file()] == []


def test_pdf_is_downloaded_not_displayed(customer):
    conv = _conv(customer)
    r = customer.post(
        f"/api/v1/conversations/{conv}/attachments",
        files={"file": ("../../etc/账单.pdf", b"%PDF-1.4\n%fake\n", "application/pdf")},
    )
    attachment = r.json()["message"]["attachment"]
    assert attachment["filename"] == "账单.pdf"
    got = customer.get(f"/api/v1/attachments/{attachment['id']}")
    assert got.headers["content-disposition"].startswith("attachment")


def test_openapi_docs_are_served(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/conversations/{conversation_id}/messages" in paths
