#!/usr/bin/env python
"""Play the demo's seven journeys against kefu and the demo business system and print their
transcripts as Markdown (docs/journeys.md is this script's output).

Both servers run here, on free loopback ports in one event loop, with fresh data in a temporary
folder, exactly as ``kefu demo`` wires them: the flows' actions point at the demo system, and the
customer reads verification codes from its outbox. Each journey is a new visitor, and the demo
system's data is reset before it (its 恢复示例数据), so every journey starts from the seed data.

    python scripts/journey_transcripts.py > docs/journeys.md
"""

from __future__ import annotations

import asyncio
import re
import socket
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from kefu.app import create_app, settle
from kefu.bootstrap import open_context
from kefu.config import Settings
from kefu.demo import connect_demo_system, seed_demo
from kefu.demo_system.app import create_demo_system
from kefu.demo_system.server import serve_beside

HOST = "127.0.0.1"
CODE = "<code>"  # a customer line that stands for the code just sent to the outbox
REPAIR_NO = re.compile(r"R\d{11}")


@dataclass(frozen=True, slots=True)
class Say:
    """A customer line: typed text, or the label of a button the bot offered (``button=True``)."""

    text: str
    button: bool = False
    to: str = ""  # for CODE: the phone or e-mail whose newest code to read


@dataclass(slots=True)
class Journey:
    title: str
    lines: list[Say | Callable[[list[str]], Say]]
    note: str = ""
    said: list[str] = field(default_factory=list)


def journeys() -> list[Journey]:
    def progress(said: list[str]) -> Say:
        """维修进度 for the repair number the bot just gave."""
        found = REPAIR_NO.search("\n".join(said))
        return Say(f"我的维修到哪一步了，维修单号 {found.group(0) if found else ''}")

    phone = "13800138000"
    return [
        Journey("忘记密码", [Say("忘记密码了"), Say(phone), Say(CODE, to=phone)]),
        Journey("账号被盗", [Say("我的账号被盗了"), Say(phone), Say(CODE, to=phone)]),
        Journey(
            "异常登录",
            [Say("收到异地登录提醒"), Say(phone), Say(CODE, to=phone), Say("不是我", button=True)],
        ),
        Journey("充值/支付失败", [Say("充值扣款了没到账"), Say("202612010002"), Say("申请退款", button=True)]),
        Journey(
            "转账未到账",
            [Say("USDT 转账还没到账"), Say("0x2744c8c3b748d5cdf42e5cada4f7111eaad5c64ba16a408c759b64814937c5dd")],
        ),
        Journey("催发货/物流", [Say("怎么还不发货"), Say("202612010005")]),
        Journey(
            "报修 → 维修进度",
            [
                Say("手表坏了要报修"),
                Say("K1 Pro", button=True),
                Say("SN10K1P04571"),
                Say("屏幕不亮了"),
                Say("13600136000"),
                progress,
            ],
        ),
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def bot_lines(message: dict[str, Any]) -> list[str]:
    """A bot or system message as transcript lines: its text, then its buttons."""
    who = "客服机器人" if message["sender_kind"] == "bot" else "（系统）"
    text = str(message["text"]).replace("\n", "<br>")
    lines = [f"> **{who}**：{text}"]
    meta = message.get("meta") or {}
    labels = [str(b.get("label") or b.get("send")) for b in meta.get("buttons") or [] if isinstance(b, dict)]
    if labels:
        lines.append("> " + " ".join(f"［{label}］" for label in labels))
    return lines


class Player:
    """Drives one visitor at a time through the running kefu over HTTP."""

    def __init__(self, app: FastAPI, kefu: httpx.AsyncClient, demo: httpx.AsyncClient) -> None:
        self.app = app
        self.kefu = kefu
        self.demo = demo

    async def welcome(self) -> list[str]:
        session = (await self.kefu.post("/api/v1/visitor/session", json={})).json()
        menu = " ".join(f"［{item['label']}］" for item in session["menu"])
        return [f"> **客服机器人**：{session['welcome']}", f"> {menu}"]

    async def play(self, journey: Journey) -> list[str]:
        (await self.demo.post("/api/reset")).raise_for_status()
        session = (await self.kefu.post("/api/v1/visitor/session", json={"name": "体验用户"})).json()
        auth = {"Authorization": f"Bearer {session['token']}"}
        conv = (await self.kefu.post("/api/v1/visitor/conversations", headers=auth)).json()["conversation"]["id"]
        out = [f"## {journey.title}", ""]
        if journey.note:
            out += [journey.note, ""]
        for line in journey.lines:
            say = line(journey.said) if callable(line) else line
            text = await self.code(say.to) if say.text == CODE else say.text
            sent = await self.kefu.post(f"/api/v1/conversations/{conv}/messages", headers=auth, json={"text": text})
            sent.raise_for_status()
            await settle(self.app)
            stored = sent.json()["message"]
            if say.text == CODE:
                shown = f"{stored['text']}（输入短信验证码；聊天记录里只存圆点）"
            elif say.button:
                shown = f"［{text}］（点按钮）"
            else:
                shown = text
            out.append(f"**客户**：{shown}")
            out.append("")
            after = stored["seq"]
            replies = await self.kefu.get(
                f"/api/v1/conversations/{conv}/messages", headers=auth, params={"after_seq": after}
            )
            for message in replies.json()["messages"]:
                if message["sender_kind"] in ("bot", "system"):
                    journey.said.append(str(message["text"]))
                    out += [*bot_lines(message), ""]
        status = (await self.kefu.get(f"/api/v1/conversations/{conv}", headers=auth)).json()["conversation"]
        out += [f"*会话状态：{status['status']}*", ""]
        return out

    async def code(self, to: str) -> str:
        messages = (await self.demo.get("/api/outbox", params={"to": to})).json()["messages"]
        return str(next(m["code"] for m in messages if m["code"]))


async def transcripts(tmp: Path) -> str:
    settings = Settings(data_dir=tmp / "kefu", bot_enabled=True, bot_embeddings=False, log_level="warning")
    async with open_context(settings) as ctx:
        await seed_demo(ctx)
    kefu_port, demo_port = free_port(), free_port()
    demo_url = f"http://{HOST}:{demo_port}"
    app = create_app(settings)
    demo_app = create_demo_system(tmp / "demo-system", settings.demo_system_secret)
    out = [
        "# 七个自助流程的对话记录",
        "",
        "`kefu demo` 的七个自助流程（docs/flows.md），客户在网页聊天里这样走一遍；由",
        "`python scripts/journey_transcripts.py > docs/journeys.md` 对真实运行的 kefu 和示例业务系统生成。",
        "验证码由客户在业务系统的发件箱（/outbox）里查看后输入；［…］是机器人给出的按钮。",
        "时间、退款单号和维修单号取决于运行的日期。",
        "",
        "## 欢迎语",
        "",
    ]
    async with (
        serve_beside(demo_app, HOST, demo_port, log_level="warning"),
        serve_beside(app, HOST, kefu_port, log_level="warning"),
    ):
        await connect_demo_system(app.state.ctx, demo_url, settings.demo_system_secret)
        async with (
            httpx.AsyncClient(base_url=f"http://{HOST}:{kefu_port}", timeout=30) as kefu,
            httpx.AsyncClient(base_url=demo_url, timeout=30) as demo,
        ):
            player = Player(app, kefu, demo)
            out += [*await player.welcome(), ""]
            for journey in journeys():
                out += await player.play(journey)
    return "\n".join(out).rstrip() + "\n"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kefu-journeys-") as tmp:
        sys.stdout.write(asyncio.run(transcripts(Path(tmp))))


if __name__ == "__main__":
    main()
