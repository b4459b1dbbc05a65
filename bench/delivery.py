"""Message delivery: kefu's WebSocket message path against a bare Uvicorn relay, in one run.

Sets up (through kefu's own actions) M agents in one skill group, online, and N web visitors, each with
a conversation assigned to an agent; then, per run, starts a real ``kefu serve`` subprocess (bot off),
connects every socket (customers with ``?token=``, agents with their session cookie), subscribes, and
has the customers send ``send`` frames at a paced aggregate rate. It measures send→ack and send→agent
latency, lost / duplicated messages (each must be acked once and reach its agent exactly once), server
CPU per message (``/proc/<pid>/stat``; on PostgreSQL also the bench database's backends), and the
server's memory per idle socket. The bare relay (``ws_relay_baseline.py``, not part of kefu; pass
``--baseline PATH``) runs at the same rates in the same invocation, so ratios hold under shared load.

    python bench/delivery.py [--database-url postgresql://...] [--rates 100,500,1000] [--quick]
                             [--baseline /path/to/ws_relay_baseline.py] [--no-find-max]

The PostgreSQL database given is EMPTIED first. Progress goes to stdout; the last line is one JSON
object: ``{"bench": "delivery", "ratio_to_bare": ..., "p99_ms_at_1000": ..., "kefu": {...}, ...}``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import uvloop
from argon2 import PasswordHasher
from sqlalchemy import select, text
from websockets.asyncio.client import connect

from kefu.bootstrap import open_context

try:
    from kefu.channels.web import open_visitor
except ImportError:  # kefu before the channels package (for "before" figures)
    from kefu.conversations.customers import open_visitor  # type: ignore[no-redef]
from kefu.config import Settings, normalise_database_url
from kefu.context import Context
from kefu.conversations import actions
from kefu.routing import assignment, groups, presence
from kefu.security import auth, passwords
from kefu.storage.database import create_engine
from kefu.storage.tables import Conversation

CLK_TCK = os.sysconf("SC_CLK_TCK")
PASSWORD = "bench-agent-123"
RETRYABLE = frozenset({"overloaded", "busy", "retry"})
PER_RATE_KEYS = ("p50_ms", "p99_ms", "ack_p99_ms", "lost", "duplicated", "server_cpu_ms_per_msg", "errors")
TEXTS = ("你好，我的订单还没有发货", "请问退款什么时候到账？", "账号登录不了了", "谢谢，麻烦尽快处理")


def log(*parts: object) -> None:
    print(*parts, flush=True)


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[index], 2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def proc_cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as handle:
        parts = handle.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / CLK_TCK


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def db_backends_cpu_s(database: str | None) -> float:
    """CPU of the PostgreSQL backends serving ``database`` (other databases' backends are not counted)."""
    if not database:
        return 0.0
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode(errors="replace")
            if cmdline.startswith("postgres: ") and f" {database} " in cmdline:
                total += proc_cpu_s(int(entry))
        except OSError:
            continue
    return total


def loadavg() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def raise_nofile() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 65536 if hard == resource.RLIM_INFINITY else min(65536, hard)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


# ------------------------------------------------------------------------------------------------ set-up
@dataclass
class Population:
    """Who takes part: visitor tokens, agent cookies, and which agent serves which conversation."""

    customer_tokens: list[str] = field(default_factory=list)
    conversation_ids: list[int] = field(default_factory=list)
    agent_cookies: list[str] = field(default_factory=list)
    agent_of_customer: list[int] = field(default_factory=list)  # index into agent_cookies


async def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def set_up(settings: Settings, n_customers: int, n_agents: int) -> Population:
    """Agents, visitors and assigned conversations, through kefu's actions (routing's listener is off)."""
    if not settings.is_sqlite:
        await _reset_postgres(settings.database_url)
    # Cheap Argon2 parameters in this process only: 50 sign-ins at production cost would take minutes on
    # a loaded machine and measure nothing the benchmark is about (the server never checks a password).
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    pop = Population()
    t0 = time.monotonic()
    capacity = max(20, -(-n_customers // n_agents) + 1)
    async with open_context(settings) as ctx:
        group_id = await groups.ensure_group(ctx, "压测组")
        await groups.configure(ctx, group_id, groups.GroupSettings(default_capacity=capacity))
        principals = []
        for i in range(n_agents):
            await auth.add_user(ctx, f"bench{i}", PASSWORD, display_name=f"坐席{i}", groups=("压测组",))
            signed = await auth.sign_in(ctx, f"bench{i}", PASSWORD)
            pop.agent_cookies.append(signed.token)
            principals.append(signed.principal)
            await presence.set_status(ctx, signed.principal, "online")
        log(f"  set-up: {n_agents} agents online (capacity {capacity}) after {time.monotonic() - t0:.1f} s")
        pop.customer_tokens = [""] * n_customers
        pop.conversation_ids = [0] * n_customers
        pop.agent_of_customer = [i % n_agents for i in range(n_customers)]
        done = [0]
        sem = asyncio.Semaphore(1 if settings.is_sqlite else 8)  # SQLite writes one at a time anyway

        async def one(i: int) -> None:
            async with sem:
                visitor = await open_visitor(ctx, None, f"访客{i}")
                conversation = await actions.open_conversation(ctx, visitor.principal)
                if hasattr(assignment, "pick"):
                    await assignment.pick(ctx, principals[i % n_agents], conversation.id)
                else:  # kefu before the lifecycle module
                    await actions.take(ctx, principals[i % n_agents], conversation.id)
            pop.customer_tokens[i] = visitor.token
            pop.conversation_ids[i] = conversation.id
            done[0] += 1
            if done[0] % 200 == 0:
                log(f"  set-up: {done[0]}/{n_customers} visitors with an assigned conversation")

        await asyncio.gather(*(one(i) for i in range(n_customers)))
    return pop


async def last_seqs(ctx: Context) -> dict[int, int]:
    async with ctx.uow() as uow:
        rows = (await uow.session.execute(select(Conversation.id, Conversation.last_seq))).all()
    return {int(row[0]): int(row[1]) for row in rows}


# ------------------------------------------------------------------------------------------------ server
class KefuServer:
    """``kefu serve`` in a subprocess on a free port; stopped by pid."""

    def __init__(self, settings: Settings, extra_env: dict[str, str]) -> None:
        self.port = free_port()
        env = dict(os.environ)
        env.update(
            {
                "KEFU_DATABASE_URL": settings.database_url,
                "KEFU_BOT_ENABLED": "false",
                "KEFU_BOT_EMBEDDINGS": "false",
                "KEFU_LOG_LEVEL": "warning",
                "KEFU_PRESENCE_GRACE_SECONDS": "3600",
                **extra_env,
            }
        )
        code = "from kefu.cli import app; app()"
        cmd = [sys.executable, "-c", code, "serve", "--port", str(self.port), "--data-dir", str(settings.data_dir)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, env=env)
        self.pid = self.proc.pid
        deadline = time.monotonic() + 300  # start-up (imports, migrations) is slow on a loaded machine
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kefu exited early (rc={self.proc.returncode})")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("kefu did not start within 300 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


# ------------------------------------------------------------------------------------------------ clients
async def _connect(url: str, headers: dict[str, str] | None, compression: str | None) -> Any:
    ws = await connect(
        url,
        additional_headers=headers,
        compression=compression,
        ping_interval=None,
        max_queue=None,
        open_timeout=60,
        close_timeout=2,
        max_size=None,
    )
    hello = json.loads(await asyncio.wait_for(ws.recv(), 30))
    if hello.get("type") != "hello":
        raise RuntimeError(f"expected hello, got {hello}")
    return ws


async def open_many(urls: list[tuple[str, dict[str, str] | None]], conc: int, compression: str | None) -> list[Any]:
    sem = asyncio.Semaphore(conc)

    async def one(url: str, headers: dict[str, str] | None) -> Any:
        async with sem:
            return await _connect(url, headers, compression)

    return list(await asyncio.wait_for(asyncio.gather(*(one(u, h) for u, h in urls)), 300))


def abort_all(conns: list[Any]) -> None:
    for conn in conns:
        with contextlib.suppress(Exception):
            conn.transport.abort()


@dataclass
class RunState:
    """What one paced run observed."""

    tag: str
    n: int
    sent_at: list[int]
    acked_at: list[int]
    agent_at: list[int]
    ack_count: list[int]
    agent_count: list[int]
    extra_frames: int = 0  # message frames for this run that reached agents other than the assignee
    wrong_agent: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    retries: int = 0
    closed_customer_sockets: int = 0
    send_failed: int = 0


async def kefu_run(  # noqa: PLR0915 (one paced run, kept in one piece to read top to bottom)
    server: KefuServer,
    pop: Population,
    seqs: dict[int, int],
    rate: int,
    duration: float,
    drain_s: float,
    compression: str | None,
    db_name: str | None,
    run_no: int,
) -> dict[str, Any]:
    """Connect, subscribe, send ``rate`` msg/s for ``duration`` s, drain, and report."""
    base = f"ws://127.0.0.1:{server.port}/ws"
    n_customers = len(pop.customer_tokens)
    t0 = time.monotonic()
    agents = await open_many(
        [(base, {"Cookie": f"kefu_session={cookie}"}) for cookie in pop.agent_cookies], 25, compression
    )
    custs = await open_many([(f"{base}?token={tok}", None) for tok in pop.customer_tokens], 50, compression)
    connect_s = time.monotonic() - t0
    total = int(rate * duration)
    tag = f"b{run_no}-"
    st = RunState(tag, total, [0] * total, [0] * total, [0] * total, [0] * total, [0] * total)
    subscribed = [0]
    pc = time.perf_counter_ns
    loads = json.loads

    def index_of(cmid: Any) -> int | None:
        if isinstance(cmid, str) and cmid.startswith(tag):
            return int(cmid[len(tag) :])
        return None

    async def resend(ws: Any, k: int) -> None:
        await asyncio.sleep(0.05)
        st.retries += 1
        with contextlib.suppress(Exception):
            await ws.send(_send_frame(pop, k, tag))

    async def customer_reader(ws: Any) -> None:
        try:
            async for raw in ws:
                frame = loads(raw)
                kind = frame.get("type")
                if kind == "ack":
                    k = index_of(frame.get("client_msg_id"))
                    if k is not None:
                        st.ack_count[k] += 1
                        if st.ack_count[k] == 1:
                            st.acked_at[k] = pc()
                elif kind == "error":
                    code = str(frame.get("code"))
                    st.errors[code] = st.errors.get(code, 0) + 1
                    k = index_of(frame.get("client_msg_id"))
                    if k is not None and code in RETRYABLE:
                        asyncio.get_running_loop().create_task(resend(ws, k))
                elif kind == "subscribed":
                    subscribed[0] += 1
        except Exception:  # a closed socket ends the reader; counted below
            pass
        st.closed_customer_sockets += 1

    async def agent_reader(ws: Any, agent_index: int) -> None:
        with contextlib.suppress(Exception):
            async for raw in ws:
                frame = loads(raw)
                kind = frame.get("type")
                if kind == "subscribed":
                    subscribed[0] += 1
                    continue
                if kind != "message":
                    continue
                k = index_of(frame["message"].get("client_msg_id"))
                if k is None:
                    continue
                if pop.agent_of_customer[k % n_customers] != agent_index:
                    st.extra_frames += 1
                    continue
                st.agent_count[k] += 1
                if st.agent_count[k] == 1:
                    st.agent_at[k] = pc()

    readers = [asyncio.create_task(customer_reader(ws)) for ws in custs]
    readers += [asyncio.create_task(agent_reader(ws, i)) for i, ws in enumerate(agents)]
    # Subscribe: each customer to their conversation, each agent to the conversations assigned to them.
    want = 0
    for i, ws in enumerate(custs):
        conv = pop.conversation_ids[i]
        await ws.send(json.dumps({"type": "subscribe", "conversation_id": conv, "after_seq": seqs.get(conv, 0)}))
        want += 1
    opened: set[int] = set()
    for i, conv in enumerate(pop.conversation_ids):  # the console has one conversation open per agent
        agent_index = pop.agent_of_customer[i]
        if agent_index in opened:
            continue
        opened.add(agent_index)
        frame = {"type": "subscribe", "conversation_id": conv, "after_seq": seqs.get(conv, 0)}
        await agents[agent_index].send(json.dumps(frame))
        want += 1
    deadline = time.monotonic() + 60
    while subscribed[0] < want and time.monotonic() < deadline:  # noqa: ASYNC110 (a bounded poll of a counter)
        await asyncio.sleep(0.05)
    if subscribed[0] < want:
        log(f"  warning: only {subscribed[0]}/{want} subscriptions confirmed")
    await asyncio.sleep(0.5)
    rss0 = rss_kib(server.pid)
    cpu0, db0 = proc_cpu_s(server.pid), db_backends_cpu_s(db_name)
    sent, max_lag = 0, 0.0
    start = time.perf_counter()
    hard_end = start + duration + 30
    while sent < total and time.perf_counter() < hard_end:
        elapsed = time.perf_counter() - start
        due = min(total, int(elapsed * rate) + 1)
        if due - sent > 1:
            max_lag = max(max_lag, (due - sent - 1) / rate)
        while sent < due:
            st.sent_at[sent] = pc()
            try:
                await custs[sent % n_customers].send(_send_frame(pop, sent, tag))
            except Exception:  # a socket the server closed: the message counts as lost
                st.send_failed += 1
            sent += 1
        await asyncio.sleep(max(0.001, start + sent / rate - time.perf_counter()))
    send_s = time.perf_counter() - start
    deadline = time.perf_counter() + drain_s
    while time.perf_counter() < deadline:
        if all(st.ack_count[k] and st.agent_count[k] for k in range(sent)):
            break
        await asyncio.sleep(0.05)
    wall = time.perf_counter() - start
    cpu1, db1 = proc_cpu_s(server.pid), db_backends_cpu_s(db_name)
    rss1 = rss_kib(server.pid)
    for task in readers:
        task.cancel()
    abort_all(agents)
    abort_all(custs)
    return _summarise(st, sent, rate, send_s, wall, cpu1 - cpu0, db1 - db0, connect_s, max_lag, rss0, rss1)


def _send_frame(pop: Population, k: int, tag: str) -> str:
    conv = pop.conversation_ids[k % len(pop.conversation_ids)]
    body = {"type": "send", "conversation_id": conv, "client_msg_id": f"{tag}{k}", "text": TEXTS[k % len(TEXTS)]}
    return json.dumps(body, ensure_ascii=False)


def _summarise(
    st: RunState,
    sent: int,
    rate: int,
    send_s: float,
    wall: float,
    cpu_s: float,
    db_cpu_s: float,
    connect_s: float,
    max_lag: float,
    rss0: int,
    rss1: int,
) -> dict[str, Any]:
    ack_ms = [(st.acked_at[k] - st.sent_at[k]) / 1e6 for k in range(sent) if st.ack_count[k]]
    agent_ms = [(st.agent_at[k] - st.sent_at[k]) / 1e6 for k in range(sent) if st.agent_count[k]]
    delivered = sum(1 for k in range(sent) if st.agent_count[k])
    acked = sum(1 for k in range(sent) if st.ack_count[k])
    lost = sum(1 for k in range(sent) if not (st.ack_count[k] and st.agent_count[k]))
    duplicated = sum(1 for k in range(sent) if st.agent_count[k] > 1 or st.ack_count[k] > 1)
    return {
        "R": rate,
        "sent": sent,
        "acked": acked,
        "delivered": delivered,
        "lost": lost,
        "duplicated": duplicated,
        "achieved_rate": round(delivered / send_s, 1) if send_s else None,
        "ack_p50_ms": pct(ack_ms, 50),
        "ack_p99_ms": pct(ack_ms, 99),
        "p50_ms": pct(agent_ms, 50),
        "p99_ms": pct(agent_ms, 99),
        "max_ms": round(max(agent_ms), 2) if agent_ms else None,
        "server_cpu_ms_per_msg": round(1000 * cpu_s / max(1, delivered), 3),
        "server_cpu_pct": round(100 * cpu_s / wall, 1),
        "db_cpu_ms_per_msg": round(1000 * db_cpu_s / max(1, delivered), 3),
        "errors": st.errors,
        "retries": st.retries,
        "closed_customer_sockets": st.closed_customer_sockets,
        "send_failed": st.send_failed,
        "extra_agent_frames": st.extra_frames,
        "max_sender_lag_ms": round(max_lag * 1000, 1),
        "connect_s": round(connect_s, 1),
        "rss_kib_before": rss0,
        "rss_kib_after": rss1,
        "load": loadavg(),
    }


def _fmt(label: str, r: dict[str, Any]) -> str:
    return (
        f"{label} R={r['R']:>5} sent={r['sent']} acked={r.get('acked', '-')} deliv={r['delivered']} lost={r['lost']} "
        f"dup={r.get('duplicated', '-')} rate={r['achieved_rate']}/s ack p99={r.get('ack_p99_ms', '-')}ms "
        f"agent p50={r['p50_ms']}ms p99={r['p99_ms']}ms max={r['max_ms']}ms "
        f"cpu={r.get('server_cpu_ms_per_msg', r.get('server_cpu_ms_per_1k', 0) / 1000):.3f}ms/msg "
        f"errors={r.get('errors', {})} load={r.get('load', loadavg())}"
    )


def passes(r: dict[str, Any], p99_limit: float) -> bool:
    return (
        r["p99_ms"] is not None
        and r["p99_ms"] <= p99_limit
        and r["lost"] == 0
        and r.get("duplicated", 0) == 0
        and r["achieved_rate"] >= 0.95 * r["R"]
    )


async def kefu_idle(server: KefuServer, pop: Population, k: int, compression: str | None) -> dict[str, Any]:
    """Server memory per idle customer socket (connected, greeted, not subscribed)."""
    base = f"ws://127.0.0.1:{server.port}/ws"
    tokens = pop.customer_tokens
    warm = await open_many([(f"{base}?token={tokens[i % len(tokens)]}", None) for i in range(20)], 20, compression)
    for ws in warm:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ws.close(), 5)
    await asyncio.sleep(2)
    rss0 = rss_kib(server.pid)
    conns = await open_many([(f"{base}?token={tokens[i % len(tokens)]}", None) for i in range(k)], 50, compression)
    await asyncio.sleep(2)
    rss1 = rss_kib(server.pid)
    abort_all(conns)
    return {"K": k, "rss_kib_before": rss0, "rss_kib_after": rss1, "kib_per_socket": round((rss1 - rss0) / k, 2)}


# ------------------------------------------------------------------------------------------------ bare relay
def load_baseline(path: str) -> ModuleType | None:
    if not path or not Path(path).exists():
        return None
    spec = importlib.util.spec_from_file_location("ws_relay_baseline", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def bare_run(base: ModuleType, rate: int, n: int, m: int, duration: float, deflate: str) -> dict[str, Any]:
    r: dict[str, Any] = await base.relay_once(rate, n, m, duration, deflate, "auto", 5.0)
    r["server_cpu_ms_per_msg"] = round(r["server_cpu_ms_per_1k"] / 1000, 4)
    r["load"] = loadavg()
    return r


async def find_max(label: str, run: Any, start: int, factor: float, steps: int, cap: int, p99: float) -> int | None:
    rate, best = float(start), None
    for _ in range(steps):
        r = await run(int(rate))
        ok = passes(r, p99)
        log(_fmt(f"{label} findmax", r), "PASS" if ok else "FAIL")
        if not ok:
            break
        best = int(rate)
        if rate >= cap:
            break
        rate = min(cap, rate * factor)
    log(f"{label}: max sustained rate with p99 <= {p99} ms: {best}")
    return best


async def run_bare(baseline: ModuleType, args: argparse.Namespace, rates: list[int]) -> dict[str, Any]:
    """The bare relay at the same rates, its highest sustained rate, and its idle memory."""
    bare: dict[str, Any] = {"runs": []}
    for rate in rates:
        r = await bare_run(baseline, rate, args.N, args.M, args.D, args.deflate)
        log(_fmt("bare", r))
        bare["runs"].append(r)
    if args.find_max:
        bare["max_sustained"] = await find_max(
            "bare",
            lambda rate: bare_run(baseline, rate, args.N, args.M, args.D, args.deflate),
            args.bare_start,
            args.factor,
            args.max_steps,
            args.bare_cap,
            args.p99_limit,
        )
    bare_idle = await baseline.idle_once(args.K, args.deflate, "auto", 2.0)
    log(f"bare idle: {bare_idle['kib_per_conn']} KiB/socket")
    bare["idle_kib_per_socket"] = bare_idle["kib_per_conn"]
    return bare


# ------------------------------------------------------------------------------------------------ main
async def amain(args: argparse.Namespace) -> dict[str, Any]:  # noqa: PLR0915 (the run's outline)
    raise_nofile()
    out: dict[str, Any] = {"bench": "delivery", "N": args.N, "M": args.M, "D": args.D, "load_start": loadavg()}
    compression = "deflate" if args.deflate == "on" else None
    data_dir = Path(tempfile.mkdtemp(prefix="kefu-bench-delivery-"))
    url = normalise_database_url(args.database_url) if args.database_url else ""
    settings = Settings(data_dir=data_dir, database_url=url, bot_enabled=False, bot_embeddings=False)
    out["engine"] = "sqlite" if settings.is_sqlite else "postgresql"
    db_name = None if settings.is_sqlite else settings.database_url.rsplit("/", 1)[-1].split("?")[0]
    rates = [int(x) for x in args.rates.split(",") if x]
    try:
        log(f"set-up: {args.N} customers, {args.M} agents on {out['engine']} (load {loadavg()})")
        t0 = time.monotonic()
        pop = await set_up(settings, args.N, args.M)
        log(f"set-up done in {time.monotonic() - t0:.1f} s")
        extra_env = {} if args.server_deflate == "default" else {"KEFU_WS_PER_MESSAGE_DEFLATE": args.server_deflate}
        run_no = [0]

        async def one_kefu(rate: int) -> dict[str, Any]:
            run_no[0] += 1
            async with open_context(settings) as ctx:
                seqs = await last_seqs(ctx)
            server = KefuServer(settings, extra_env)
            try:
                return await kefu_run(server, pop, seqs, rate, args.D, args.drain, compression, db_name, run_no[0])
            finally:
                server.stop()

        kefu_runs = []
        for rate in rates:
            r = await one_kefu(rate)
            log(_fmt("kefu", r))
            kefu_runs.append(r)
        out["kefu"] = {"runs": kefu_runs}
        if args.find_max:
            out["kefu"]["max_sustained"] = await find_max(
                "kefu", one_kefu, args.start, args.factor, args.max_steps, args.cap, args.p99_limit
            )
        server = KefuServer(settings, extra_env)
        try:
            idle = await kefu_idle(server, pop, args.K, compression)
        finally:
            server.stop()
        log(
            f"kefu idle: {idle['K']} sockets {idle['rss_kib_before']} -> {idle['rss_kib_after']} KiB "
            f"=> {idle['kib_per_socket']} KiB/socket"
        )
        out["kefu"]["idle"] = idle
        baseline = load_baseline(args.baseline)
        if baseline is None:
            log(f"bare relay: {args.baseline!r} not found, skipped")
        else:
            try:
                out["bare"] = await run_bare(baseline, args, rates)
            except Exception as exc:  # the relay's own client gave up (e.g. a starved machine): keep kefu's figures
                log(f"bare relay failed: {exc!r}")
                out.setdefault("bare", {})["error"] = repr(exc)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    kefu_max = out["kefu"].get("max_sustained")
    bare_max = out.get("bare", {}).get("max_sustained")
    at_1000 = [r for r in out["kefu"]["runs"] if r["R"] == 1000]
    out["ratio_to_bare"] = round(kefu_max / bare_max, 4) if kefu_max and bare_max else None
    out["max_sustained"] = kefu_max
    out["bare_max_sustained"] = bare_max
    out["p99_ms_at_1000"] = at_1000[0]["p99_ms"] if at_1000 else None
    out["per_rate"] = {
        str(r["R"]): {
            k: r[k] for k in ("p50_ms", "p99_ms", "ack_p99_ms", "lost", "duplicated", "server_cpu_ms_per_msg")
        }
        for r in out["kefu"]["runs"]
    }
    out["idle_kib_per_socket"] = out["kefu"]["idle"]["kib_per_socket"]
    out["load_end"] = loadavg()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", default="", help="postgresql://... (emptied first); default SQLite")
    ap.add_argument("-N", type=int, default=1000, help="customers")
    ap.add_argument("-M", type=int, default=50, help="agents")
    ap.add_argument("-D", type=float, default=8.0, help="seconds of sending per run")
    ap.add_argument("-K", type=int, default=1000, help="idle sockets for the memory figure")
    ap.add_argument("--rates", default="100,500,1000")
    ap.add_argument("--find-max", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--start", type=int, default=25, help="kefu find-max: first rate")
    ap.add_argument("--cap", type=int, default=4000, help="kefu find-max: highest rate tried")
    ap.add_argument("--bare-start", type=int, default=2000)
    ap.add_argument("--bare-cap", type=int, default=32000)
    ap.add_argument("--factor", type=float, default=2.0)
    ap.add_argument("--max-steps", type=int, default=8)
    ap.add_argument("--p99-limit", type=float, default=200.0, help="ms, send→agent, for 'sustained'")
    ap.add_argument("--drain", type=float, default=10.0, help="max s to wait for acks/deliveries after sending")
    ap.add_argument("--deflate", choices=["on", "off"], default="on", help="clients offer permessage-deflate")
    ap.add_argument(
        "--server-deflate",
        choices=["default", "true", "false"],
        default="default",
        help="KEFU_WS_PER_MESSAGE_DEFLATE for kefu (if the settings know it)",
    )
    default_baseline = os.environ.get("KEFU_BENCH_BASELINE", "/work/shared/tools/ws_relay_baseline.py")
    ap.add_argument("--baseline", default=default_baseline, help="path of ws_relay_baseline.py (not part of kefu)")
    ap.add_argument("--quick", action="store_true", help="N=200, M=10, D=4, K=300, fewer steps")
    args = ap.parse_args()
    if args.quick:
        args.N, args.M, args.D, args.K, args.max_steps = 200, 10, 4.0, 300, 6
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    out = asyncio.run(amain(args))
    print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
