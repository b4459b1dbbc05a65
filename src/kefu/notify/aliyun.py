"""Alibaba Cloud SMS (Dysmsapi ``SendSms``): the RPC request format, its signature, its answers.

The RPC style signs the query string (signature version 1.0): every parameter, sorted by name, is
percent-encoded (RFC 3986: ``A-Z a-z 0-9 - _ . ~`` kept, a space as ``%20``) and joined with ``&``;
the string to sign is ``GET&%2F&`` + the encoded query; ``Signature`` is base64(HMAC-SHA1(key =
AccessKeySecret + "&", that string)). The answer is JSON with ``Code`` = ``OK`` or an error code.
https://help.aliyun.com/document_detail/419273.html (SendSms), …/315526.html (RPC signatures).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote

import httpx

from kefu.clock import Clock
from kefu.config import Settings
from kefu.notify.senders import Outgoing, SendError

API_VERSION = "2017-05-25"
# Worth another try later: rate limits, the provider's own faults. Everything else (a bad number, a
# missing template parameter, a wrong key or signature, a sign name not approved) will fail again.
RETRYABLE_CODES = frozenset(
    {
        "isv.BUSINESS_LIMIT_CONTROL",
        "Throttling",
        "Throttling.User",
        "isp.SYSTEM_ERROR",
        "ServiceUnavailable",
        "InternalError",
    }
)


def encode(value: str) -> str:
    """Percent-encoding as Alibaba Cloud's RPC signature defines it."""
    return quote(value, safe="~")


def string_to_sign(params: Mapping[str, str], method: str = "GET") -> str:
    """What is signed: the method, the encoded path ``/`` and the encoded canonical query."""
    canonical = "&".join(f"{encode(k)}={encode(params[k])}" for k in sorted(params))
    return f"{method}&{encode('/')}&{encode(canonical)}"


def sign(params: Mapping[str, str], access_key_secret: str, method: str = "GET") -> str:
    """The ``Signature`` parameter for ``params`` (all of them but ``Signature`` itself)."""
    digest = hmac.new(f"{access_key_secret}&".encode(), string_to_sign(params, method).encode(), hashlib.sha1)
    return base64.b64encode(digest.digest()).decode()


def timestamp(now: datetime) -> str:
    """ISO 8601 in UTC, as the API wants it (``2026-12-02T08:00:00Z``)."""
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


def send_sms_params(
    *,
    access_key_id: str,
    sign_name: str,
    template_code: str,
    phone: str,
    template_param: Mapping[str, str],
    now: datetime,
    region: str = "cn-hangzhou",
    out_id: str = "",
    nonce: str | None = None,
) -> dict[str, str]:
    """The parameters of one ``SendSms`` call, before signing."""
    params = {
        "AccessKeyId": access_key_id,
        "Action": "SendSms",
        "Format": "JSON",
        "PhoneNumbers": phone,
        "RegionId": region,
        "SignName": sign_name,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": nonce or uuid.uuid4().hex,
        "SignatureVersion": "1.0",
        "TemplateCode": template_code,
        "Timestamp": timestamp(now),
        "Version": API_VERSION,
    }
    if template_param:
        params["TemplateParam"] = json.dumps(dict(template_param), ensure_ascii=False, separators=(",", ":"))
    if out_id:
        params["OutId"] = out_id
    return params


class AliyunSms:
    """Sends SMS through Alibaba Cloud with a template per notification kind (``KEFU_SMS_TEMPLATES``)."""

    def __init__(self, settings: Settings, client: httpx.AsyncClient, clock: Clock) -> None:
        self._settings = settings
        self._client = client
        self._clock = clock

    async def send(self, message: Outgoing) -> None:
        """One ``SendSms`` call (raises :class:`SendError`)."""
        settings = self._settings
        template = settings.sms_templates.get(message.kind)
        if not template:
            raise SendError(f"no SMS template configured for {message.kind}", permanent=True)
        params = send_sms_params(
            access_key_id=settings.sms_aliyun_access_key_id,
            sign_name=settings.sms_sign_name,
            template_code=template,
            phone=message.recipient,
            template_param=message.params,
            now=self._clock.now(),
            region=settings.sms_aliyun_region,
            out_id=f"kefu-{message.id}",
        )
        params["Signature"] = sign(params, settings.sms_aliyun_access_key_secret)
        try:
            response = await self._client.get(settings.sms_aliyun_endpoint, params=params, timeout=15.0)
        except httpx.HTTPError as exc:
            raise SendError(f"Alibaba Cloud SMS: {type(exc).__name__}: {exc}") from None
        try:
            answer = response.json()
        except ValueError:
            raise SendError(f"Alibaba Cloud SMS: HTTP {response.status_code}, not JSON") from None
        code = str(answer.get("Code", "")) if isinstance(answer, dict) else ""
        if code == "OK":
            return
        text = answer.get("Message", "") if isinstance(answer, dict) else ""
        retry = code in RETRYABLE_CODES or code.startswith("isp.") or response.status_code >= 500
        raise SendError(f"Alibaba Cloud SMS {code or response.status_code}: {text}", permanent=not retry)
