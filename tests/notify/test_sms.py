"""SMS: the Alibaba Cloud sender against a local fake of the SendSms API that checks the signature
the way Alibaba Cloud does, and the demo provider writing into the demo business system's outbox."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request

from kefu.context import Context
from kefu.notify.aliyun import AliyunSms
from kefu.notify.sms import DemoSms
from kefu.notify.tickets import enqueue_ticket_notification
from kefu.notify.worker import NotifyWorker, Senders
from tests.notify.conftest import customer_with
from tests.notify.test_outbox import TICKET, rows
from tests.support import DemoSystemServer, free_port

KEY_ID, KEY_SECRET = "LTAI5tFakeKeyId", "fake-secret-do-not-use"


def _percent(value: str) -> str:
    # Written out independently of kefu.notify.aliyun, from Alibaba Cloud's description.
    return quote(value, safe="-_.~").replace("+", "%20").replace("*", "%2A").replace("%7E", "~")


class FakeDysms:
    """A fake ``dysmsapi.aliyuncs.com``: verifies the HMAC-SHA1 signature, then answers ``answer``."""

    def __init__(self) -> None:
        self.calls: list[dict[str, str]] = []
        self.answer: dict[str, Any] = {
            "Code": "OK",
            "Message": "OK",
            "BizId": "900619746936498440^0",
            "RequestId": "F655A8D5",
        }
        app = FastAPI()

        @app.get("/")
        async def rpc(request: Request) -> dict[str, Any]:
            params = dict(request.query_params)
            signature = params.pop("Signature", "")
            canonical = "&".join(f"{_percent(k)}={_percent(params[k])}" for k in sorted(params))
            to_sign = "GET&%2F&" + _percent(canonical)
            expected = base64.b64encode(
                hmac.new(f"{KEY_SECRET}&".encode(), to_sign.encode(), hashlib.sha1).digest()
            ).decode()
            if params.get("AccessKeyId") != KEY_ID:
                return {"Code": "InvalidAccessKeyId.NotFound", "Message": "Specified access key is not found."}
            if not hmac.compare_digest(signature, expected):
                return {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched."}
            self.calls.append(params)
            return self.answer

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)


@pytest.fixture
def dysms() -> Iterator[FakeDysms]:
    fake = FakeDysms()
    fake.thread.start()
    while not fake.server.started:
        assert fake.thread.is_alive()
        fake.thread.join(0.02)
    yield fake
    fake.server.should_exit = True
    fake.thread.join(10)


def aliyun_ctx(ctx: Context, fake: FakeDysms, secret: str = KEY_SECRET) -> Context:
    settings = ctx.settings.model_copy(
        update={
            "smtp_host": "",
            "sms_provider": "aliyun",
            "sms_aliyun_endpoint": fake.url,
            "sms_aliyun_access_key_id": KEY_ID,
            "sms_aliyun_access_key_secret": secret,
            "sms_sign_name": "示例科技",
            "sms_templates": {"ticket_created": "SMS_476330001", "ticket_resolved": "SMS_476330002"},
        }
    )
    return Context(settings, ctx.sessions, ctx.bus, ctx.clock, ctx.messages, ctx.texts, ctx.integrations)


async def _queue_created(ctx: Context) -> None:
    customer = await customer_with(ctx, phone="13800138000", phone_verified=True)
    async with ctx.uow() as uow:
        assert await enqueue_ticket_notification(uow, ctx, {**TICKET, "customer_id": customer.customer_id}, "created")
        # No template configured for "replied": not queued for SMS.
        assert (
            await enqueue_ticket_notification(uow, ctx, {**TICKET, "customer_id": customer.customer_id}, "replied")
            == []
        )
        await uow.commit()


async def test_aliyun_send_sms_is_signed_and_accepted(ctx: Context, dysms: FakeDysms) -> None:
    actx = aliyun_ctx(ctx, dysms)
    await _queue_created(actx)
    async with httpx.AsyncClient() as client:
        report = await NotifyWorker(actx, Senders(sms=AliyunSms(actx.settings, client, actx.clock))).run_once()
    assert len(report.sent) == 1
    [call] = dysms.calls
    assert call["Action"] == "SendSms"
    assert call["Version"] == "2017-05-25"
    assert (call["PhoneNumbers"], call["SignName"], call["TemplateCode"]) == (
        "13800138000",
        "示例科技",
        "SMS_476330001",
    )
    assert json.loads(call["TemplateParam"]) == {"number": "T20261202-0001"}
    assert (call["SignatureMethod"], call["SignatureVersion"]) == ("HMAC-SHA1", "1.0")
    [row] = await rows(actx)
    assert (row.channel, row.status, row.body) == ("sms", "sent", "您的工单 T20261202-0001 已创建，我们会尽快处理。")


async def test_aliyun_rate_limit_is_retried_and_a_bad_signature_fails(ctx: Context, dysms: FakeDysms) -> None:
    actx = aliyun_ctx(ctx, dysms)
    await _queue_created(actx)
    dysms.answer = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控Permits:1"}
    async with httpx.AsyncClient() as client:
        report = await NotifyWorker(actx, Senders(sms=AliyunSms(actx.settings, client, actx.clock))).run_once()
        assert len(report.retrying) == 1
        [row] = await rows(actx)
        assert row.last_error is not None
        assert "isv.BUSINESS_LIMIT_CONTROL" in row.last_error

        wrong = aliyun_ctx(ctx, dysms, secret="not-the-secret")
        await _queue_created(wrong)
        failed = await NotifyWorker(wrong, Senders(sms=AliyunSms(wrong.settings, client, wrong.clock))).run_once()
    assert len(failed.failed) == 1
    last = (await rows(actx))[-1]
    assert last.status == "failed"
    assert last.last_error is not None
    assert "SignatureDoesNotMatch" in last.last_error


async def test_demo_sms_lands_in_the_demo_systems_outbox(ctx: Context, tmp_path: Path) -> None:
    server = DemoSystemServer(tmp_path / "demo", "demo-shared-secret")
    server.start()
    try:
        settings = ctx.settings.model_copy(update={"smtp_host": "", "sms_provider": "demo", "sms_demo_url": server.url})
        dctx = Context(settings, ctx.sessions, ctx.bus, ctx.clock, ctx.messages, ctx.texts, ctx.integrations)
        customer = await customer_with(dctx, phone="13900139000", phone_verified=True)
        async with dctx.uow() as uow:
            await enqueue_ticket_notification(uow, dctx, {**TICKET, "customer_id": customer.customer_id}, "resolved")
            await uow.commit()
        async with httpx.AsyncClient() as client:
            report = await NotifyWorker(dctx, Senders(sms=DemoSms(server.url, "demo-shared-secret", client))).run_once()
            assert len(report.sent) == 1
            listed = (await client.get(f"{server.url}/api/outbox", params={"to": "13900139000"})).json()["messages"]
            assert [m["text"] for m in listed] == ["您的工单 T20261202-0001 已解决，如有问题可重新打开。"]
            unsigned = await client.post(f"{server.url}/api/sms", json={"to": "1", "text": "x"})
            assert unsigned.status_code == 401
    finally:
        server.stop()
