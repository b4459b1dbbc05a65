"""What supervisors watch: every queue with its waiting times, every agent with presence and load.

Agents get the same queue data for their own groups (the console's waiting list, by priority).
"""

from __future__ import annotations

from typing import Any

from kefu.context import Context
from kefu.errors import PermissionDenied
from kefu.routing import hours
from kefu.routing import queue as queue_mod
from kefu.security.access import require_agent
from kefu.security.principals import AgentPrincipal, Principal
from kefu.storage.repositories import routing as routing_repo


def require_supervisor(principal: Principal) -> AgentPrincipal:
    """The caller as a supervisor or admin."""
    agent = require_agent(principal)
    if not agent.sees_everything:
        raise PermissionDenied("supervisors only")
    return agent


async def queues(ctx: Context, principal: Principal) -> list[dict[str, Any]]:
    """The queues the caller works in (supervisors: all), each with its waiting conversations."""
    agent = require_agent(principal)
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        groups = list(await routing_repo.all_groups(uow.session))
        if not agent.sees_everything:
            groups = [g for g in groups if g.id in agent.group_ids]
        result = []
        for group_id, name in [(None, ""), *((g.id, g.name) for g in groups)]:
            state = await queue_mod.group_state(uow.session, group_id, now)
            line = await routing_repo.queue(uow.session, group_id)
            if group_id is None and not line:
                continue
            waiting: list[dict[str, Any]] = []
            for index, item in enumerate(line):
                status = queue_mod.status_of(state, item, index + 1, now)
                waiting.append(
                    {
                        "conversation_id": item.conversation_id,
                        "customer_id": item.customer_id,
                        "customer_name": item.customer_name,
                        "priority": item.priority,
                        "handover_reason": item.handover_reason,
                        "position": index + 1,
                        "waiting_seconds": int((now - item.waiting_since).total_seconds()),
                        "eta_seconds": status.eta_seconds,
                    }
                )
            result.append(
                {
                    "group_id": group_id,
                    "group_name": name,
                    "open": state.is_open,
                    "online_capacity": state.slots,
                    "average_handle_seconds": round(state.average_handle),
                    "length": len(waiting),
                    "longest_wait_seconds": max((w["waiting_seconds"] for w in waiting), default=0),
                    "waiting": waiting,
                }
            )
        return result


async def overview(ctx: Context, principal: Principal) -> dict[str, Any]:
    """Queues per group and agents with presence and load (the supervisor view)."""
    require_supervisor(principal)
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        agents = await routing_repo.agents(uow.session)
        groups = {
            g.id: {
                "id": g.id,
                "name": g.name,
                "strategy": g.strategy,
                "open": hours.parse(g.hours).is_open(now),
            }
            for g in await routing_repo.all_groups(uow.session)
        }
    return {
        "groups": list(groups.values()),
        "queues": await queues(ctx, principal),
        "agents": [
            {
                "user_id": a.user_id,
                "display_name": a.display_name,
                "role": a.role,
                "status": a.status,
                "connections": a.connections,
                "capacity": a.capacity,
                "load": a.load,
                "group_ids": list(a.group_ids),
                "group_names": [groups[g]["name"] for g in a.group_ids if g in groups],
            }
            for a in agents
        ],
    }


async def agents(ctx: Context, principal: Principal) -> list[dict[str, Any]]:
    """Every agent with presence and load, for choosing whom to transfer to (any signed-in user)."""
    require_agent(principal)
    async with ctx.uow() as uow:
        rows = await routing_repo.agents(uow.session)
    return [
        {
            "user_id": a.user_id,
            "display_name": a.display_name,
            "role": a.role,
            "status": a.status,
            "capacity": a.capacity,
            "load": a.load,
            "group_ids": list(a.group_ids),
            "available": a.status == "online" and a.load < a.capacity,
        }
        for a in rows
    ]
