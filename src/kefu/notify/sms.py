"""SMS senders behind one interface: Alibaba Cloud (``aliyun``) or the demo business system (``demo``).

``kefu demo`` points ``demo`` at the demo company's system, whose ``POST /api/sms`` keeps the text in
its outbox (http://127.0.0.1:8001/outbox), signed like kefu's action calls (docs/integrations.md).
"""

from __future__ import annotations

import json
import time

import httpx

from kefu.integrations import signing
from kefu.notify.senders import Outgoing, SendError


class DemoSms:
    """Hands the rendered text to the demo business system's SMS outbox."""

    def __init__(self, base_url: str, secret: str, client: httpx.AsyncClient) -> None:
        self._url = base_url.rstrip("/") + "/api/sms"
        self._secret = secret
        self._client = client

    async def send(self, message: Outgoing) -> None:
        """POST the SMS (raises :class:`SendError`)."""
        body = json.dumps({"to": message.recipient, "text": message.body, "kind": message.kind}).encode()
        stamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "X-Kefu-Timestamp": str(stamp),
            "X-Kefu-Signature": signing.sign(self._secret, stamp, body),
        }
        try:
            response = await self._client.post(self._url, content=body, headers=headers, timeout=10.0)
        except httpx.HTTPError as exc:
            raise SendError(f"demo SMS: {type(exc).__name__}: {exc}") from None
        if response.status_code != 200:
            raise SendError(f"demo SMS: HTTP {response.status_code}", permanent=400 <= response.status_code < 500)
