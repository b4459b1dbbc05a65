"""Tickets at scale: 100,000 tickets (with timeline lines, fields and customers), then the agents' list
over REST, the SLA sweep and the export's memory.

Loads the tickets straight through the storage layer in batches (bulk INSERTs, seconds not minutes),
then measures:

- the REST list ``GET /api/v1/tickets`` (views mine / group / unassigned / breaching as an agent;
  filters and search by number, phone, order number and customer name as a supervisor) — p50/p99 over
  ``--requests`` calls each; target p99 < 100 ms;
- one SLA sweep over the table with ``--due`` tickets due for a warning or breach (the rest running
  or already flagged), and an idle sweep; target < 1 s;
- the export of every ticket (CSV streamed, XLSX write-only) in a child process, its peak RSS against
  a one-day export's: "constant memory" = the full export's peak within 32 MB of the small one's.

Prints progress and ends with one JSON line ``{"bench": "tickets", ...}`` with ``met`` flags.

    python bench/tickets.py [--tickets 100000] [--requests 200] [--due 200]
                            [--database-url postgresql://...]   (default: SQLite in a temp folder)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert, select, text

from kefu.app import create_app
from kefu.bootstrap import open_context
from kefu.config import Settings
from kefu.context import Context
from kefu.demo import seed_demo
from kefu.exports import service
from kefu.storage.database import create_engine
from kefu.storage.tables import Customer, SkillGroup, Ticket, TicketEvent, User
from kefu.tickets import sweep

P99_TARGET_MS = 100.0
SWEEP_TARGET_S = 1.0
RSS_SLACK_MB = 32.0
BATCH = 5000
DAYS = 30
TYPES = ("consult", "complaint", "repair", "refund", "other")
PRIORITIES = ("low", "normal", "normal", "normal", "high", "urgent")
STATUSES = ("new", "open", "pending", "resolved", "closed", "closed")
SOURCES = ("conversation", "leave", "flow", "console", "api")


async def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 2)


async def load(settings: Settings, count: int, due: int, now: datetime) -> dict[str, Any]:
    """The demo organisation plus ``count`` tickets; returns what the queries will look for."""
    rnd = random.Random(11)
    async with open_context(settings) as ctx:
        await seed_demo(ctx)
        async with ctx.uow() as uow:
            users = {u.username: u.id for u in (await uow.session.execute(select(User))).scalars()}
            groups = [int(g) for g in (await uow.session.execute(select(SkillGroup.id))).scalars()]
        agents = [users["agent1"], users["agent2"]]
        n_customers = max(1, count // 5)
        started = time.perf_counter()
        customer_ids = await _customers(ctx, n_customers, now)
        per_day: dict[str, int] = {}
        probes: dict[str, Any] = {}
        due_left = due
        for first in range(0, count, BATCH):
            tickets: list[dict[str, Any]] = []
            for i in range(first, min(count, first + BATCH)):
                created = now - timedelta(days=DAYS) + timedelta(seconds=(DAYS * 86400) * i / count)
                day = created.astimezone(UTC).strftime("%Y%m%d")
                per_day[day] = per_day.get(day, 0) + 1
                is_due = due_left > 0 and i % 97 == 0
                status = "open" if is_due else STATUSES[rnd.randrange(len(STATUSES))]
                active = status in ("new", "open", "pending")
                phone = f"138{i:08d}" if i % 2 == 0 else None
                order_no = f"DD{i:09d}" if i % 3 == 0 else None
                assignee = None if status == "new" else agents[i % 2]
                due_at = warn_at = None
                warned = breached = False
                if active:
                    due_at = now + timedelta(minutes=rnd.randint(-180, 4320))
                    warn_at = due_at - timedelta(minutes=30)
                    if is_due:  # due now, not yet flagged: the sweep's work
                        due_at, warn_at = now - timedelta(minutes=1), now - timedelta(minutes=31)
                        due_left -= 1
                    else:  # what a previous sweep already handled
                        warned, breached = warn_at <= now, due_at <= now
                fields = {k: v for k, v in (("phone", phone), ("order_no", order_no)) if v}
                tickets.append(
                    {
                        "number": f"T{day}-{per_day[day]:04d}",
                        "type_key": TYPES[i % len(TYPES)],
                        "title": f"工单 {i}",
                        "status": status,
                        "priority": PRIORITIES[i % len(PRIORITIES)],
                        "customer_id": customer_ids[i % len(customer_ids)],
                        "skill_group_id": groups[i % len(groups)] if i % 10 else None,
                        "assignee_id": assignee,
                        "fields": json.dumps(fields, ensure_ascii=False),
                        "source": SOURCES[i % len(SOURCES)],
                        "phone": phone,
                        "order_no": order_no,
                        "created_by_id": None,
                        "created_at": created,
                        "updated_at": created,
                        "sla_clock": "resolution" if active else None,
                        "resolution_due_at": due_at,
                        "sla_due_at": due_at,
                        "sla_warn_at": warn_at,
                        "sla_warned": warned,
                        "sla_breached": breached,
                        "resolved_at": created + timedelta(hours=5) if not active else None,
                        "closed_at": created + timedelta(days=1) if status == "closed" else None,
                        "resolution": "已处理" if not active else None,
                    }
                )
                if i == count // 2 // 6 * 6:  # has a phone and an order number
                    probes = {"number": tickets[-1]["number"], "phone": phone, "order_no": order_no}
            async with ctx.uow() as uow:
                await uow.session.execute(insert(Ticket), tickets)
                ids = (
                    await uow.session.execute(
                        select(Ticket.id).where(Ticket.number.in_([t["number"] for t in tickets])).order_by(Ticket.id)
                    )
                ).scalars()
                await uow.session.execute(insert(TicketEvent), _events(ids, tickets))
                await uow.commit()
            print(f"  loaded {min(count, first + BATCH)} tickets", flush=True)
        async with ctx.uow() as uow:  # fresh statistics, as a running database would have
            await uow.session.execute(text("ANALYZE"))
            await uow.commit()
        probes["customer"] = f"客户{n_customers // 2}"
        probes["load_s"] = round(time.perf_counter() - started, 1)
    return probes


async def _customers(ctx: Context, count: int, now: datetime) -> list[int]:
    """``count`` customers, in batches; their ids."""
    for first in range(0, count, BATCH):
        rows = [
            {"display_name": f"客户{i}", "is_vip": False, "created_at": now}
            for i in range(first, min(count, first + BATCH))
        ]
        async with ctx.uow() as uow:
            await uow.session.execute(insert(Customer), rows)
            await uow.commit()
    async with ctx.uow() as uow:
        return [int(c) for c in (await uow.session.execute(select(Customer.id))).scalars()]


def _events(ids: Any, tickets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each ticket's timeline: created, and an agent's first reply."""
    events: list[dict[str, Any]] = []
    for ticket_id, t in zip(ids, tickets, strict=True):
        events.append(
            {
                "ticket_id": ticket_id,
                "kind": "created",
                "actor_kind": "system",
                "actor_id": None,
                "body": "",
                "data": json.dumps({"status": t["status"]}),
                "created_at": t["created_at"],
            }
        )
        events.append(
            {
                "ticket_id": ticket_id,
                "kind": "reply",
                "actor_kind": "agent",
                "actor_id": t["assignee_id"],
                "body": "您好，已为您登记",
                "data": "{}",
                "created_at": t["created_at"] + timedelta(minutes=5),
            }
        )
    return events


class _FixedClock:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now


async def measure_sweep(settings: Settings, now: datetime) -> dict[str, Any]:
    """One sweep with the backlog due, then one with nothing due."""
    async with open_context(settings, clock=_FixedClock(now)) as ctx:
        started = time.perf_counter()
        report = await sweep.sweep(ctx)
        busy = time.perf_counter() - started
        started = time.perf_counter()
        idle_report = await sweep.sweep(ctx)
        idle = time.perf_counter() - started
    handled = len(report.warned) + len(report.breached)
    assert not idle_report.warned
    assert not idle_report.breached
    return {"sweep_s": round(busy, 3), "sweep_handled": handled, "sweep_idle_s": round(idle, 3)}


def export_peak(settings: Settings, fmt: str, start: str, end: str) -> dict[str, Any]:
    """Export in a child process; its rows, bytes, seconds and peak RSS."""
    command = [sys.executable, __file__, "--export-child", fmt, start, end, "--database-url", settings.database_url]
    command += ["--data-dir", str(settings.data_dir)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def _peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM; ``ru_maxrss`` would carry the parent's peak over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _export_child(settings: Settings, fmt: str, start: str, end: str) -> dict[str, Any]:
    began = time.perf_counter()
    size = 0
    async with open_context(settings) as ctx:
        rng = await service.parse_range(ctx, start, end)
        rows = await service.count(ctx, "tickets", rng)
        if fmt == "csv":
            async for chunk in service.csv_stream(ctx, "tickets", rng):
                size += len(chunk)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "t.xlsx"
                await service.write_xlsx(ctx, "tickets", rng, path)
                size = path.stat().st_size
    peak_mb = _peak_rss_mb()
    return {
        "rows": rows,
        "bytes": size,
        "seconds": round(time.perf_counter() - began, 2),
        "peak_rss_mb": round(peak_mb, 1),
    }


def measure_rest(settings: Settings, probes: dict[str, Any], requests: int) -> dict[str, Any]:
    """p50/p99 of the agents' list over REST, per query."""
    queries: dict[str, tuple[str, str]] = {
        "view_mine": ("agent1", "view=mine"),
        "view_group": ("agent1", "view=group"),
        "view_unassigned": ("agent1", "view=unassigned"),
        "view_breaching": ("agent1", "view=breaching"),
        "all_newest": ("admin", ""),
        "filter_status": ("admin", "status=pending"),
        "filter_type_priority": ("admin", "type=complaint&priority=urgent"),
        "filter_source": ("admin", "source=leave&status=closed"),
        "search_number": ("admin", f"q={probes['number']}"),
        "search_phone": ("admin", f"q={probes['phone']}"),
        "search_order_no": ("admin", f"q={probes['order_no']}"),
        "search_customer": ("admin", f"q={probes['customer']}"),
        "agent_search_phone": ("agent1", f"q={probes['phone']}"),
    }
    passwords = {"agent1": "agent-demo-123", "admin": "admin-demo-123"}
    figures: dict[str, Any] = {}
    with TestClient(create_app(settings)) as app:
        clients: dict[str, TestClient] = {}
        for name, password in passwords.items():
            client = TestClient(app.app)
            client.__enter__()
            response = client.post("/api/v1/auth/login", json={"username": name, "password": password})
            response.raise_for_status()
            clients[name] = client
        for key, (who, query) in queries.items():
            client = clients[who]
            url = f"/api/v1/tickets?{query}"
            first = client.get(url)
            first.raise_for_status()
            found = len(first.json()["tickets"])
            timings: list[float] = []
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text
            figures[key] = {"p50_ms": _p(timings, 0.5), "p99_ms": _p(timings, 0.99), "found": found}
            print(
                f"  {key}: p50 {figures[key]['p50_ms']} ms, p99 {figures[key]['p99_ms']} ms ({found} rows)", flush=True
            )
        for client in clients.values():
            client.__exit__(None, None, None)
    return figures


async def _prepare(settings: Settings) -> None:
    if not settings.is_sqlite:
        await _reset_postgres(settings.database_url)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """The whole bench; returns the figures (the JSON line)."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp), database_url=args.database_url, bot_enabled=False, ticket_sweep_seconds=3600
        )
        engine = "sqlite" if settings.is_sqlite else "postgresql"
        asyncio.run(_prepare(settings))
        now = datetime.now(UTC).replace(microsecond=0)
        print(f"{engine}: loading {args.tickets} tickets", flush=True)
        probes = asyncio.run(load(settings, args.tickets, args.due, now))
        print(f"loaded in {probes['load_s']} s; sweeping", flush=True)
        swept = asyncio.run(measure_sweep(settings, now))
        print(f"sweep: {swept}", flush=True)
        local = now + timedelta(hours=8)  # Asia/Shanghai, the demo organisation's zone
        everything = ((local - timedelta(days=DAYS + 1)).strftime("%Y-%m-%d"), local.strftime("%Y-%m-%d"))
        one_day = ((local - timedelta(days=2)).strftime("%Y-%m-%d"),) * 2
        exports: dict[str, Any] = {}
        for fmt in ("csv", "xlsx"):
            exports[f"{fmt}_small"] = export_peak(settings, fmt, *one_day)
            exports[f"{fmt}_all"] = export_peak(settings, fmt, *everything)
            print(f"export {fmt}: {exports[f'{fmt}_small']} → {exports[f'{fmt}_all']}", flush=True)
        print("REST list", flush=True)
        rest = measure_rest(settings, probes, args.requests)
    worst = max(v["p99_ms"] for v in rest.values())
    growth = {
        fmt: exports[f"{fmt}_all"]["peak_rss_mb"] - exports[f"{fmt}_small"]["peak_rss_mb"] for fmt in ("csv", "xlsx")
    }
    return {
        "bench": "tickets",
        "engine": engine,
        "tickets": args.tickets,
        "events": args.tickets * 2,
        "load_s": probes["load_s"],
        "requests_per_query": args.requests,
        "list": rest,
        "list_worst_p99_ms": worst,
        **swept,
        "export": exports,
        "export_rss_growth_mb": {k: round(v, 1) for k, v in growth.items()},
        "met": {
            "list_p99_lt_100ms": worst < P99_TARGET_MS,
            "sweep_lt_1s": swept["sweep_s"] < SWEEP_TARGET_S,
            "export_constant_memory": all(v < RSS_SLACK_MB for v in growth.values()),
            "export_all_rows": all(exports[f"{f}_all"]["rows"] == args.tickets for f in ("csv", "xlsx")),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--due", type=int, default=200)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--export-child", nargs=3, metavar=("FORMAT", "FROM", "TO"))
    args = parser.parse_args()
    if args.export_child:
        settings = Settings(data_dir=Path(args.data_dir), database_url=args.database_url, bot_enabled=False)
        print(json.dumps(asyncio.run(_export_child(settings, *args.export_child))))
        return
    print(json.dumps(run(args), ensure_ascii=False))


if __name__ == "__main__":
    main()
