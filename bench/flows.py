"""Guided flows under load: N customers walk the demo's journeys with the bot at once, over kefu's real
customer API, while the flows call the demo company's business system over signed HTTP.

Three processes: this one (set-up, then the customers' clients), kefu (``create_app`` under Uvicorn, bot
on, the demo organisation seeded, the 17 actions pointed at the demo system) and the demo business system
(its own Uvicorn), so neither the clients' nor the backend's CPU counts as kefu's. Each customer opens a
visitor session and a conversation (REST), connects ``/ws?token=`` as the widget does, subscribes, and
sends each turn's text as a ``send`` frame, thinking a little between turns. Journeys (2–3 flow turns
each, valid however often they run): 催发货 then 查物流, 查物流, 充值失败 with a wrong then a right order
number, 转账未到账 by hash and by order, 维修进度, and for a sample 忘记密码 with the code read from the
demo system's outbox.

Per turn it measures (a) the customer-perceived latency, from sending the frame to receiving the bot's
last reply of that turn, and (b) kefu's own time, that minus the time the turn spent waiting on the
business system. kefu reports each flow turn through ``FlowRuntime.observer`` (installed in the kefu
process, streamed here over a pipe): when the bot took the message, when the turn committed, the
backend time summed over the turn's action calls, and the sequence number of its last message (which is
how a client knows the turn's replies are complete). The target: kefu's own time per turn, p99 < 30 ms.

    python bench/flows.py [--flows 1000] [--concurrency 1000] [--ramp 30] [--think 30]
                          [--database-url postgresql://...] [--profile kefu.prof]

The PostgreSQL database given is EMPTIED first. Progress goes to stdout; the last line is one JSON object:
``{"bench": "flows", "flows": ..., "turns": ..., "own_client_ms": {"p50", "p90", "p99"}, ..., "met": ...}``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
import uvloop
from sqlalchemy import text
from websockets.asyncio.client import ClientConnection, connect

from kefu.app import create_app
from kefu.bootstrap import open_context
from kefu.config import Settings, normalise_database_url
from kefu.demo import connect_demo_system, seed_demo
from kefu.flows.runtime import TurnTiming
from kefu.storage.database import create_engine

TARGET_P99_MS = 30.0
SECRET = "bench-flows-shared-secret"
CLK_TCK = os.sysconf("SC_CLK_TCK")
TURN_TIMEOUT_S = 60.0
PHONES = ("13800138000", "13900139000", "13700137000", "13600136000", "13500135000", "18600186000")
PENDING_TX = "0x2744c8c3b748d5cdf42e5cada4f7111eaad5c64ba16a408c759b64814937c5dd"
CODE = "<code>"  # a turn whose text is the verification code the demo system just sent
CODE_THINK_S = 5.0


@dataclass(frozen=True, slots=True)
class Turn:
    """What the customer types, and words the bot's replies to it must contain (one of, when a tuple:
    urging a parcel changes what the next run of the journey hears)."""

    text: str
    expect: str | tuple[str, ...]

    def heard(self, replies: str) -> bool:
        """Whether ``replies`` are what this turn expects."""
        expected = (self.expect,) if isinstance(self.expect, str) else self.expect
        return any(words in replies for words in expected)


JOURNEYS: dict[str, tuple[Turn, ...]] = {
    # One turn, two backend calls (shipment_status, urge_shipment), then a second flow in the same chat
    # (its order given in the message: a bare 查物流 would take 202612010005 from the earlier message).
    "urge_then_track": (
        Turn("催发货，订单202612010005", ("催促仓库", "正在备货")),
        Turn("查物流，订单202612010008", "已签收"),
    ),
    "track": (Turn("快递到哪了", "订单号"), Turn("202612010001", ("催促仓库", "运输中"))),
    "payment_retry": (
        Turn("充值失败", "订单号"),
        Turn("202612019999", "没有找到订单"),
        Turn("202612010003", "支付未成功"),
    ),
    "payment_refunded": (Turn("支付失败", "订单号"), Turn("202612010004", "已退款")),
    "transfer_hash": (Turn("转账未到账", "交易哈希"), Turn(PENDING_TX, "3/12")),
    "transfer_order": (Turn("提币没到账", "交易哈希"), Turn("202612010006", "已到账")),
    "repair_progress": (Turn("维修进度", "维修单号"), Turn("R20261125001", "R20261125001")),
}
PASSWORD_JOURNEY = (
    Turn("忘记密码", "手机号或邮箱"),
    Turn("<phone>", "验证码已发送"),
    Turn(CODE, "重置密码的链接已发送"),
)


def log(*parts: object) -> None:
    print(*parts, flush=True)


def pct(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (nearest rank), rounded to 0.1 ms."""
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[index], 1)


def spread(values: list[float]) -> dict[str, float | None]:
    return {"p50": pct(values, 50), "p90": pct(values, 90), "p99": pct(values, 99), "max": pct(values, 100)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def proc_cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as handle:
        parts = handle.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / CLK_TCK


def loadavg() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def raise_nofile() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 65536 if hard == resource.RLIM_INFINITY else min(65536, hard)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


# ------------------------------------------------------------------------------------------------ servers
def serve_kefu(config: dict[str, Any]) -> None:
    """The kefu process: the app under Uvicorn, with an observer that writes each flow turn's timing
    to the pipe ``timings_fd`` as one line: ``conversation started ended backend_ms last_seq``."""
    settings = Settings(**config["settings"])
    app = create_app(settings)
    fd = int(config["timings_fd"])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=int(config["port"]), log_level="warning", loop="none")
    )

    def observe(t: TurnTiming) -> None:
        os.write(fd, f"{t.conversation_id} {t.started:.6f} {t.ended:.6f} {t.backend_ms:.3f} {t.last_seq}\n".encode())

    async def run() -> None:
        task = asyncio.create_task(server.serve())
        while not server.started:
            if task.done():
                await task
                return
            await asyncio.sleep(0.05)
        app.state.flows.observer = observe
        os.write(fd, b"ready\n")
        await task

    profile = cProfile.Profile() if config.get("profile") else None
    if profile is not None:
        profile.enable()
    try:
        uvloop.run(run())
    except KeyboardInterrupt:  # Uvicorn re-raises the SIGINT that stopped it
        pass
    finally:
        if profile is not None:
            profile.disable()
            profile.dump_stats(config["profile"])


class Child:
    """A server subprocess on a free port, stopped by its pid."""

    def __init__(self, cmd: list[str], port: int, pass_fds: tuple[int, ...] = ()) -> None:
        self.port = port
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, pass_fds=pass_fds)
        self.pid = self.proc.pid

    def wait_listening(self, what: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout  # start-up (imports, migrations) is slow on a loaded machine
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{what} exited early (rc={self.proc.returncode})")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{what} did not start within {timeout} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # Uvicorn shuts down cleanly (and a profile is written)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def start_demo_system(data_dir: Path) -> Child:
    port = free_port()
    code = (
        "import sys, uvicorn; from pathlib import Path; from kefu.demo_system.app import create_demo_system; "
        "uvicorn.run(create_demo_system(Path(sys.argv[1]), sys.argv[2]), host='127.0.0.1', port=int(sys.argv[3]), "
        "log_level='warning', access_log=False)"
    )
    child = Child([sys.executable, "-c", code, str(data_dir), SECRET, str(port)], port)
    child.wait_listening("the demo system")
    return child


async def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def prepare(settings: Settings, demo_url: str) -> None:
    """The demo organisation (knowledge base, groups, the seven journeys) with its actions pointed at the
    demo system, through kefu's own functions."""
    if not settings.is_sqlite:
        await reset_postgres(settings.database_url)
    async with open_context(settings) as ctx:
        await seed_demo(ctx)
        await connect_demo_system(ctx, demo_url, SECRET)


# ------------------------------------------------------------------------------------------------ timings
@dataclass(slots=True)
class Timing:
    """One flow turn as kefu observed it."""

    started: float
    ended: float
    backend_ms: float
    last_seq: int


class Timings:
    """Reads the kefu process's timing lines and hands each conversation its turns in order."""

    def __init__(self) -> None:
        self.queues: dict[int, asyncio.Queue[Timing]] = {}
        self.ready = asyncio.Event()
        self.lines = 0

    def queue(self, conversation_id: int) -> asyncio.Queue[Timing]:
        return self.queues.setdefault(conversation_id, asyncio.Queue())

    async def read(self, fd: int) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=1 << 20)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", 0))
        while line := await reader.readline():
            if line == b"ready\n":
                self.ready.set()
                continue
            conv, started, ended, backend, last_seq = line.split()
            self.lines += 1
            self.queue(int(conv)).put_nowait(Timing(float(started), float(ended), float(backend), int(last_seq)))


# ------------------------------------------------------------------------------------------------ customers
@dataclass(slots=True)
class Figures:
    """What the customers observed."""

    client_ms: list[float] = field(default_factory=list)  # send → the turn's last reply
    own_client_ms: list[float] = field(default_factory=list)  # that minus the backend's time
    server_ms: list[float] = field(default_factory=list)  # the bot took the message → the turn committed
    own_server_ms: list[float] = field(default_factory=list)  # that minus the backend's time
    backend_ms: list[float] = field(default_factory=list)
    by_journey: dict[str, list[float]] = field(default_factory=dict)  # own_client_ms per journey
    errors: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)  # the first few unexpected replies
    started: int = 0
    completed: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0

    def error(self, kind: str, detail: str = "") -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if detail and len(self.samples) < 5:
            self.samples.append(f"{kind}: {detail}"[:300])


class Customer:
    """One visitor: a session, a conversation and the widget's socket."""

    def __init__(self, index: int, base: str, http: httpx.AsyncClient) -> None:
        self.index = index
        self.base = base
        self.http = http
        self.conversation_id = 0
        self.ws: ClientConnection | None = None
        self.replies: dict[int, tuple[float, str]] = {}  # seq → (arrival, text), the bot's messages
        self.arrived = asyncio.Event()
        self.acks: dict[str, asyncio.Future[int]] = {}
        self.reader: asyncio.Task[None] | None = None
        self.sent: dict[str, str] = {}  # client_msg_id → frame, until acknowledged
        self.retries = 0

    def _resend(self, cmid: str) -> None:
        frame = self.sent.get(cmid)
        if frame is not None and self.ws is not None:
            asyncio.get_running_loop().create_task(self.ws.send(frame))

    async def open(self) -> None:
        session = await self.http.post(
            f"{self.base}/api/v1/visitor/session", json={"token": None, "name": f"访客{self.index}"}
        )
        session.raise_for_status()
        token = session.json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        opened = await self.http.post(f"{self.base}/api/v1/visitor/conversations", headers=headers, json={})
        opened.raise_for_status()
        self.conversation_id = int(opened.json()["conversation"]["id"])
        ws_url = self.base.replace("http://", "ws://") + f"/ws?token={token}"
        self.ws = await connect(ws_url, ping_interval=None, max_queue=None, open_timeout=120, max_size=None)
        hello = json.loads(await asyncio.wait_for(self.ws.recv(), 60))
        if hello.get("type") != "hello":
            raise RuntimeError(f"expected hello, got {hello}")
        subscribed: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.reader = asyncio.create_task(self._read(subscribed))
        await self.ws.send(json.dumps({"type": "subscribe", "conversation_id": self.conversation_id, "after_seq": 0}))
        await asyncio.wait_for(subscribed, 60)

    async def _read(self, subscribed: asyncio.Future[int]) -> None:
        assert self.ws is not None
        with contextlib.suppress(Exception):
            async for raw in self.ws:
                now = time.perf_counter()
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "message":
                    message = frame["message"]
                    if message.get("sender_kind") == "bot":
                        self.replies[int(message["seq"])] = (now, str(message.get("text", "")))
                        self.arrived.set()
                elif kind == "ack":
                    self.sent.pop(str(frame.get("client_msg_id")), None)
                    waiter = self.acks.pop(str(frame.get("client_msg_id")), None)
                    if waiter is not None and not waiter.done():
                        waiter.set_result(int(frame["message"]["seq"]))
                elif kind == "error":
                    cmid = str(frame.get("client_msg_id"))
                    if frame.get("retryable") and cmid in self.sent:  # as the widget does: the same frame again
                        self.retries += 1
                        asyncio.get_running_loop().call_later(0.1, self._resend, cmid)
                        continue
                    waiter = self.acks.pop(cmid, None)
                    if waiter is not None and not waiter.done():
                        waiter.set_exception(RuntimeError(f"error frame: {frame.get('code')}"))
                elif kind == "subscribed" and not subscribed.done():
                    subscribed.set_result(int(frame.get("last_seq", 0)))

    async def turn(self, number: int, said: str, timings: Timings) -> tuple[float, Timing, str]:
        """Send ``said``; wait for kefu's timing of the turn and for its last reply. Returns the
        customer-perceived latency (ms), kefu's timing and the replies' text."""
        assert self.ws is not None
        cmid = f"c{self.index}-{number}"
        acked: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.acks[cmid] = acked
        frame = {"type": "send", "conversation_id": self.conversation_id, "client_msg_id": cmid, "text": said}
        raw = json.dumps(frame, ensure_ascii=False)
        self.sent[cmid] = raw
        sent = time.perf_counter()  # a resent frame's turn still counts from here
        await self.ws.send(raw)
        seq = await acked
        timing = await timings.queue(self.conversation_id).get()
        while timing.last_seq not in self.replies:
            self.arrived.clear()
            await self.arrived.wait()
        latency = (self.replies[timing.last_seq][0] - sent) * 1000
        texts = "\n".join(t for s, (_, t) in sorted(self.replies.items()) if seq < s <= timing.last_seq)
        return latency, timing, texts

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
        if self.ws is not None:
            with contextlib.suppress(Exception):
                self.ws.transport.abort()


class PhoneLocks:
    """One 忘记密码 at a time per phone, from asking for a code to typing it: a new code replaces the
    previous one."""

    def __init__(self) -> None:
        self.locks = {phone: asyncio.Lock() for phone in PHONES}


async def outbox_code(http: httpx.AsyncClient, demo_url: str, phone: str) -> str:
    answer = await http.get(f"{demo_url}/api/outbox", params={"to": phone})
    answer.raise_for_status()
    return str(next(m["code"] for m in answer.json()["messages"] if m.get("code")))


async def walk(
    customer: Customer,
    name: str,
    turns: tuple[Turn, ...],
    timings: Timings,
    figures: Figures,
    think: float,
    demo_url: str,
    phones: PhoneLocks,
) -> None:
    """Walk one journey; every turn's figures go into ``figures``."""
    phone = PHONES[customer.index % len(PHONES)]
    lock = phones.locks[phone] if turns is PASSWORD_JOURNEY else None
    figures.started += 1
    figures.in_flight += 1
    figures.peak_in_flight = max(figures.peak_in_flight, figures.in_flight)
    ok = True
    try:
        async with contextlib.AsyncExitStack() as held:
            for number, turn in enumerate(turns):
                if number:  # reading a code off the phone is quicker than typing a question
                    pause = min(think, CODE_THINK_S) if turn.text == CODE else think
                    await asyncio.sleep(pause * random.uniform(0.5, 1.5))
                if lock is not None and turn.text == "<phone>":  # from sending the code to typing it
                    await held.enter_async_context(lock)
                said = turn.text.replace("<phone>", phone)
                if said == CODE:
                    said = await outbox_code(customer.http, demo_url, phone)
                try:
                    latency, timing, replies = await asyncio.wait_for(
                        customer.turn(number, said, timings), TURN_TIMEOUT_S
                    )
                except TimeoutError:
                    figures.error("timeout", f"{name} turn {number}")
                    ok = False
                    break
                except Exception as exc:  # an error frame or a closed socket: this journey failed
                    figures.error("failed", f"{name} turn {number}: {exc!r}")
                    ok = False
                    break
                server = (timing.ended - timing.started) * 1000
                figures.client_ms.append(latency)
                figures.own_client_ms.append(latency - timing.backend_ms)
                figures.server_ms.append(server)
                figures.own_server_ms.append(server - timing.backend_ms)
                figures.backend_ms.append(timing.backend_ms)
                figures.by_journey.setdefault(name, []).append(latency - timing.backend_ms)
                if not turn.heard(replies):
                    figures.error("unexpected_reply", f"{name} turn {number} {said!r}: {replies!r}")
                    ok = False
                    break
    finally:
        figures.in_flight -= 1
    if ok:
        figures.completed += 1


def journey_of(index: int, password_every: int) -> tuple[str, tuple[Turn, ...]]:
    if password_every and index % password_every == password_every - 1:
        return "forgot_password", PASSWORD_JOURNEY
    names = list(JOURNEYS)
    name = names[index % len(names)]
    return name, JOURNEYS[name]


async def open_customers(base: str, http: httpx.AsyncClient, n: int, conc: int, figures: Figures) -> list[Customer]:
    customers = [Customer(i, base, http) for i in range(n)]
    sem = asyncio.Semaphore(conc)
    opened = [0]

    async def one(customer: Customer) -> None:
        async with sem:
            try:
                await customer.open()
            except Exception as exc:  # counted; the customer does not take part
                figures.error("connect", repr(exc))
                customer.conversation_id = 0
                return
        opened[0] += 1
        if opened[0] % 200 == 0:
            log(f"  connected {opened[0]}/{n} customers (load {loadavg()})")

    await asyncio.gather(*(one(c) for c in customers))
    return [c for c in customers if c.conversation_id]


async def progress(figures: Figures, total: int, every: float, t0: float) -> None:
    while True:
        await asyncio.sleep(every)
        report(figures, total, t0)


def report(figures: Figures, total: int, t0: float) -> None:
    log(
        f"  {time.perf_counter() - t0:5.1f} s: flows started {figures.started}/{total}, "
        f"done {figures.completed}, in flight {figures.in_flight}, turns {len(figures.client_ms)}, "
        f"own p99 so far {pct(figures.own_client_ms, 99)} ms, errors {figures.errors} (load {loadavg()})"
    )


# ------------------------------------------------------------------------------------------------ main
async def amain(args: argparse.Namespace) -> dict[str, Any]:  # noqa: PLR0915 (the run's outline, top to bottom)
    raise_nofile()
    out: dict[str, Any] = {"bench": "flows", "load_start": loadavg()}
    data_dir = Path(tempfile.mkdtemp(prefix="kefu-bench-flows-"))
    url = normalise_database_url(args.database_url) if args.database_url else ""
    settings = Settings(
        data_dir=data_dir, database_url=url, bot_enabled=True, bot_embeddings=False, log_level="warning"
    )
    out["engine"] = "sqlite" if settings.is_sqlite else "postgresql"
    demo: Child | None = None
    kefu: Child | None = None
    read_fd, write_fd = os.pipe()
    try:
        demo = start_demo_system(data_dir / "demo-system")
        demo_url = f"http://127.0.0.1:{demo.port}"
        log(f"demo system on {demo_url} (pid {demo.pid}); seeding kefu's demo organisation on {out['engine']}")
        await prepare(settings, demo_url)
        port = free_port()
        config = {
            "settings": {
                "data_dir": str(data_dir),
                "database_url": settings.database_url,
                "bot_enabled": True,
                "bot_embeddings": False,
                "log_level": "warning",
            },
            "port": port,
            "timings_fd": write_fd,
            "profile": args.profile,
        }
        kefu = Child([sys.executable, __file__, "--serve-kefu", json.dumps(config)], port, pass_fds=(write_fd,))
        os.close(write_fd)
        write_fd = -1
        timings = Timings()
        timing_reader = asyncio.create_task(timings.read(read_fd))
        await asyncio.wait_for(timings.ready.wait(), 300)
        log(f"kefu on http://127.0.0.1:{port} (pid {kefu.pid}), observer installed (load {loadavg()})")
        figures = Figures()
        limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
        async with httpx.AsyncClient(limits=limits, timeout=120, trust_env=False) as http:
            t_open = time.perf_counter()
            customers = await open_customers(f"http://127.0.0.1:{port}", http, args.flows, 50, figures)
            log(f"{len(customers)} customers connected and subscribed in {time.perf_counter() - t_open:.1f} s")
            phones = PhoneLocks()
            if args.warmup:  # each journey once, not counted: first renders, first connections, caches
                warm = await open_customers(f"http://127.0.0.1:{port}", http, len(JOURNEYS) + 1, 8, Figures())
                warm_figures = Figures()
                await asyncio.gather(
                    *(
                        walk(c, *journey_of(c.index, len(JOURNEYS) + 1), timings, warm_figures, 0.1, demo_url, phones)
                        for c in warm
                    )
                )
                for customer in warm:
                    await customer.close()
                log(f"warm-up: {warm_figures.completed} journeys, errors {warm_figures.errors}")
            await asyncio.sleep(1)  # let the welcome messages settle
            sem = asyncio.Semaphore(args.concurrency)
            cpu0, demo_cpu0 = proc_cpu_s(kefu.pid), proc_cpu_s(demo.pid)
            t0 = time.perf_counter()
            ticker = asyncio.create_task(progress(figures, len(customers), args.progress, t0))

            async def one(customer: Customer) -> None:
                await asyncio.sleep(args.ramp * customer.index / max(1, args.flows))
                name, turns = journey_of(customer.index, args.password_every)
                async with sem:
                    await walk(customer, name, turns, timings, figures, args.think, demo_url, phones)

            await asyncio.gather(*(one(c) for c in customers))
            elapsed = time.perf_counter() - t0
            cpu, demo_cpu = proc_cpu_s(kefu.pid) - cpu0, proc_cpu_s(demo.pid) - demo_cpu0
            ticker.cancel()
            report(figures, len(customers), t0)
            for customer in customers:
                await customer.close()
        timing_reader.cancel()
    finally:
        if write_fd >= 0:
            os.close(write_fd)
        if kefu is not None:
            kefu.stop()
        if demo is not None:
            demo.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    turns = len(figures.client_ms)
    own_p99 = pct(figures.own_client_ms, 99)
    out.update(
        {
            "flows": args.flows,
            "flows_started": figures.started,
            "flows_completed": figures.completed,
            "peak_concurrent_flows": figures.peak_in_flight,
            "turns": turns,
            "errors": figures.errors,
            "resent_overloaded": sum(c.retries for c in customers),
            "seconds": round(elapsed, 1),
            "turns_per_second": round(turns / elapsed, 1) if elapsed else None,
            "think_s": args.think,
            "ramp_s": args.ramp,
            "client_ms": spread(figures.client_ms),
            "own_client_ms": spread(figures.own_client_ms),
            "server_ms": spread(figures.server_ms),
            "own_server_ms": spread(figures.own_server_ms),
            "backend_ms": spread(figures.backend_ms),
            "own_client_p99_ms_by_journey": {k: pct(v, 99) for k, v in sorted(figures.by_journey.items())},
            "kefu_cpu_ms_per_turn": round(1000 * cpu / max(1, turns), 2),
            "kefu_cpu_pct": round(100 * cpu / elapsed, 1) if elapsed else None,
            "demo_system_cpu_ms_per_turn": round(1000 * demo_cpu / max(1, turns), 2),
            "target_p99_ms": TARGET_P99_MS,
            "p99_ms": own_p99,
            "met": own_p99 is not None and own_p99 < TARGET_P99_MS and not figures.errors,
            "load_end": loadavg(),
        }
    )
    if figures.samples:
        out["error_samples"] = figures.samples
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--flows", type=int, default=1000, help="customers, each walking one journey")
    ap.add_argument("--concurrency", type=int, default=1000, help="at most this many journeys under way at once")
    ap.add_argument("--ramp", type=float, default=30.0, help="seconds over which the journeys start")
    ap.add_argument("--think", type=float, default=30.0, help="mean seconds a customer thinks between turns")
    ap.add_argument("--password-every", type=int, default=25, help="every n-th customer: 忘记密码 (0: none)")
    ap.add_argument("--database-url", default="", help="postgresql://... (emptied first); default SQLite")
    ap.add_argument("--progress", type=float, default=5.0, help="seconds between progress lines")
    ap.add_argument(
        "--warmup", action=argparse.BooleanOptionalAction, default=True, help="walk each journey once first"
    )
    ap.add_argument("--profile", default="", help="write a cProfile of the kefu process to this file")
    ap.add_argument("--serve-kefu", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve_kefu:
        serve_kefu(json.loads(args.serve_kefu))
        return
    out = uvloop.run(amain(args))
    print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
