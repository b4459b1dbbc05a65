"""Routing load: 2,000 hand-overs across 50 agents in 5 skill groups, as fast as the router takes them.

Prints progress, then assignments per second and the time from hand-over (the conversation becomes
``queued``, event published after commit) to assignment (the ``assigned`` event), and ends with one
JSON line ``{"bench": "routing", ...}``.

    python bench/routing_load.py [--conversations 2000] [--agents 50] [--groups 5] [--concurrency 10]
                                 [--database-url postgresql://...]   (default: SQLite in a temp folder)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from kefu.bootstrap import open_context
from kefu.bus import Delivery
from kefu.config import Settings
from kefu.context import Context
from kefu.conversations import lifecycle
from kefu.events import ConversationChanged, Event
from kefu.routing import groups, presence, runtime
from kefu.security.principals import AgentPrincipal
from kefu.storage.database import create_engine
from kefu.storage.tables import Conversation, Customer, User, UserSkillGroup


async def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def _setup(ctx: Context, n_groups: int, n_agents: int, capacity: int) -> list[int]:
    group_ids = [await groups.ensure_group(ctx, f"压测组{i + 1}") for i in range(n_groups)]
    for gid in group_ids:
        await groups.configure(ctx, gid, groups.GroupSettings(default_capacity=capacity))
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        users = [
            User(username=f"bench{i}", display_name=f"坐席{i}", password_hash="-", role="agent", created_at=now)
            for i in range(n_agents)
        ]
        uow.session.add_all(users)
        await uow.session.flush()
        for i, user in enumerate(users):
            uow.session.add(UserSkillGroup(user_id=user.id, skill_group_id=group_ids[i % n_groups], level=1))
        principals = [
            AgentPrincipal(u.id, u.username, u.display_name, "agent", frozenset({group_ids[i % n_groups]}))
            for i, u in enumerate(users)
        ]
        await uow.commit()
    for agent in principals:
        await presence.connected(ctx, agent.user_id)
        await presence.set_status(ctx, agent, "online")
    return group_ids


async def _conversations(ctx: Context, count: int) -> list[int]:
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        customers = [Customer(display_name=f"客户{i}", is_vip=i % 20 == 0, created_at=now) for i in range(count)]
        uow.session.add_all(customers)
        await uow.session.flush()
        rows = [
            Conversation(
                customer_id=c.id,
                channel="web",
                status="bot",
                last_seq=0,
                agent_read_seq=0,
                customer_read_seq=0,
                created_at=now,
                updated_at=now,
            )
            for c in customers
        ]
        uow.session.add_all(rows)
        await uow.session.flush()
        ids = [r.id for r in rows]
        await uow.commit()
    return ids


async def _handover(ctx: Context, conversation_id: int, group_id: int, reason: str) -> None:
    """What the bot does: the conversation becomes queued in a group; the event leaves after commit."""
    async with ctx.uow() as uow:
        await lifecycle.enqueue(uow, ctx, conversation_id, group_id=group_id, handover_reason=reason)
        await uow.commit()


async def run(args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or ""
        if url:
            settings = Settings(data_dir=Path(tmp), database_url=url, bot_enabled=False)
            await _reset_postgres(settings.database_url)
        else:
            settings = Settings(data_dir=Path(tmp), bot_enabled=False)
        engine_name = "postgresql" if not settings.is_sqlite else "sqlite"
        async with open_context(settings) as ctx:
            stop = await runtime.start(ctx)
            capacity = -(-args.conversations // args.agents)  # room for everyone: measures the router
            group_ids = await _setup(ctx, args.groups, args.agents, capacity)
            ids = await _conversations(ctx, args.conversations)
            print(
                f"{engine_name}: {args.agents} agents in {args.groups} groups (capacity {capacity}), "
                f"{len(ids)} conversations ready",
                flush=True,
            )
            handed: dict[int, float] = {}
            assigned: dict[int, float] = {}
            all_assigned = asyncio.Event()
            done = {cid: asyncio.Event() for cid in ids}

            async def record(event: Event) -> None:
                if isinstance(event, ConversationChanged) and event.change == "assigned":
                    assigned.setdefault(event.conversation_id, time.perf_counter())
                    done[event.conversation_id].set()
                    if len(assigned) == len(ids):
                        all_assigned.set()

            ctx.bus.subscribe(record, Delivery.EVERY_NODE)
            queue: asyncio.Queue[int] = asyncio.Queue()
            for cid in ids:
                queue.put_nowait(cid)
            reasons = ("customer_request", "negative_sentiment", "sensitive_topic", "bot_failed")

            async def worker() -> None:
                while not queue.empty():
                    cid = queue.get_nowait()
                    handed[cid] = time.perf_counter()
                    await _handover(ctx, cid, group_ids[cid % len(group_ids)], reasons[cid % len(reasons)])
                    # Listeners run after publish, so wait for this one's agent before the next hand-over:
                    # ``concurrency`` hand-overs in flight, as when routing ran inside the hand-over.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(done[cid].wait(), timeout=30)
                    if len(handed) % 250 == 0:
                        print(f"  handed over {len(handed)}, assigned {len(assigned)}", flush=True)

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(args.concurrency)))
            with contextlib.suppress(TimeoutError):  # the timers' tick would assign any stragglers
                await asyncio.wait_for(all_assigned.wait(), timeout=60)
            elapsed = time.perf_counter() - started
            await stop()
        waits = sorted((assigned[c] - handed[c]) * 1000 for c in ids if c in assigned and c in handed)
        p99 = waits[min(len(waits) - 1, int(len(waits) * 0.99))] if waits else None
        figures: dict[str, object] = {
            "bench": "routing",
            "engine": engine_name,
            "conversations": len(ids),
            "agents": args.agents,
            "groups": args.groups,
            "concurrency": args.concurrency,
            "assigned": len(assigned),
            "seconds": round(elapsed, 2),
            "assignments_per_second": round(len(assigned) / elapsed, 1),
            "p50_ms": round(statistics.median(waits), 1) if waits else None,
            "p99_ms": round(p99, 1) if p99 is not None else None,
        }
        print(
            f"assigned {figures['assigned']}/{len(ids)} in {figures['seconds']} s: "
            f"{figures['assignments_per_second']} assignments/s; hand-over → assignment "
            f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms"
        )
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=2000)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--groups", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False))


if __name__ == "__main__":
    main()
