"""Administering flows: upload or edit a version (checked before it is stored), publish, retire, list.

A version that does not parse never reaches the database; publishing one makes new runs start on it
while running conversations finish on theirs. Admins write; supervisors and agents read (agents see
what the bot can do for customers).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kefu.context import Context
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kefu.events import FlowsChanged
from kefu.flows.engine import pick
from kefu.flows.model import Flow
from kefu.flows.source import FlowFileError, parse
from kefu.security.access import load_visible
from kefu.security.principals import AgentPrincipal, Principal
from kefu.storage.repositories import flows as flow_repo
from kefu.storage.tables import FlowRun, FlowVersion


def check_staff(principal: Principal, *, write: bool = True) -> AgentPrincipal:
    """The admin (or, to read, any staff member) calling; PermissionDenied otherwise."""
    return _require(principal, write=write)


def _require(principal: Principal, *, write: bool) -> AgentPrincipal:
    if not isinstance(principal, AgentPrincipal):
        raise PermissionDenied("only staff may see flows")
    if write and principal.role != "admin":
        raise PermissionDenied("only admins may change flows", code="not_admin")
    return principal


@dataclass(frozen=True, slots=True)
class VersionView:
    """One version of a flow, with its source and (when it parses) its outline."""

    id: int
    key: str
    version: int
    name: str
    status: str
    source: str
    created_at: str
    published_at: str | None
    outline: list[dict[str, Any]]
    created_by_name: str | None = None

    @classmethod
    def of(cls, row: FlowVersion, locale: str = "zh-CN", by_name: str | None = None) -> VersionView:
        """From a stored row (``by_name``: who stored it)."""
        try:
            flow: Flow | None = parse(row.source)
        except FlowFileError:
            flow = None
        return cls(
            row.id,
            row.key,
            row.version,
            row.name,
            row.status,
            row.source,
            row.created_at.isoformat(),
            row.published_at.isoformat() if row.published_at else None,
            outline(flow, locale) if flow is not None else [],
            by_name,
        )


def outline(flow: Flow, locale: str) -> list[dict[str, Any]]:
    """The flow as steps for the console: what each does, says and where it goes.

    ``goes`` maps a label to a step id: a button's label, a branch's condition, or one of the words
    the console translates (``next``, ``on <outcome>``, ``on_fail``, ``otherwise``)."""
    steps = []
    for step in flow.steps:
        goes: dict[str, str] = {}
        if step.next:
            goes["next"] = step.next
        goes.update({f"on {k}": v for k, v in step.on.items()})
        goes.update({pick(c.label, locale): c.next for c in [*(step.choose or []), *step.also]})
        goes.update({(c.when or "otherwise"): c.next for c in step.branch or []})
        if step.on_fail:
            goes["on_fail"] = step.on_fail
        detail = ""
        if step.collect:
            slot = flow.slots[step.collect]
            detail = f"{step.collect} ({slot.type}{', sensitive' if slot.is_sensitive else ''})"
        elif step.call:
            detail = step.call
        elif step.handover:
            detail = step.handover.group or flow.handover_group or ""
        elif step.end:
            detail = step.end
        steps.append({"id": step.id, "kind": step.kind, "detail": detail, "say": pick(step.say, locale), "goes": goes})
    return steps


def check_source(source: str) -> Flow:
    """The flow ``source`` describes, or ``InvalidInput`` listing every problem with its line and field."""
    try:
        return parse(source)
    except FlowFileError as exc:
        details: list[dict[str, object]] = [
            {"line": p.line, "field": p.field, "message": p.message} for p in exc.problems
        ]
        first = exc.problems[0]
        raise InvalidInput(f"the flow file has errors: {first}", code="bad_flow", details=details) from None


async def save(ctx: Context, principal: Principal, source: str) -> VersionView:
    """Store ``source`` as a new draft version of the flow it declares (its ``key``)."""
    admin = _require(principal, write=True)
    return await save_draft(ctx, source, by=admin)


async def save_draft(ctx: Context, source: str, *, by: AgentPrincipal | None = None) -> VersionView:
    """Store ``source`` as a draft (``kefu flow import``; the console goes through :func:`save`)."""
    flow = check_source(source)
    async with ctx.uow() as uow:
        number = await flow_repo.next_version_number(uow.session, flow.key)
        row = FlowVersion(
            key=flow.key,
            version=number,
            name=pick(flow.name, "zh-CN")[:200],
            source=source,
            status="draft",
            created_by_id=by.user_id if by is not None else None,
            created_at=ctx.clock.now(),
        )
        uow.session.add(row)
        await uow.session.flush()
        locale, name = (by.locale, by.display_name) if by is not None else ("zh-CN", None)
        view = VersionView.of(row, locale, name)
        await uow.commit()
    return view


async def publish(ctx: Context, principal: Principal, version_id: int) -> VersionView:
    """Make a version the one new runs of its flow start on."""
    admin = _require(principal, write=True)
    async with ctx.uow() as uow:
        row = await flow_repo.get_version(uow.session, version_id)
        if row is None:
            raise NotFound("no such flow version", code="flow_version_not_found")
        check_source(row.source)
        if row.status == "published":
            raise Conflict("this version is already published", code="already_published")
        await flow_repo.retire_published(uow.session, row.key, row.id)
        row.status = "published"
        row.published_at = ctx.clock.now()
        uow.emit(FlowsChanged(row.key))
        await uow.session.flush()
        view = VersionView.of(row, admin.locale)
        await uow.commit()
    return view


async def retire(ctx: Context, principal: Principal, key: str) -> None:
    """Stop offering a flow (runs already going finish)."""
    _require(principal, write=True)
    async with ctx.uow() as uow:
        rows = [r for r in await flow_repo.versions(uow.session, key) if r.status == "published"]
        if not rows:
            raise NotFound("this flow has no published version", code="flow_not_published")
        for row in rows:
            row.status = "retired"
        uow.emit(FlowsChanged(key))
        await uow.commit()


async def list_versions(ctx: Context, principal: Principal, key: str | None = None) -> list[VersionView]:
    """Every version (of one flow), newest first."""
    agent = _require(principal, write=False)
    async with ctx.uow() as uow:
        rows = await flow_repo.versions(uow.session, key)
        names = await flow_repo.user_names(uow.session, {r.created_by_id for r in rows if r.created_by_id is not None})
    return [VersionView.of(row, agent.locale, names.get(row.created_by_id or 0)) for row in rows]


async def get(ctx: Context, principal: Principal, version_id: int) -> VersionView:
    """One version."""
    agent = _require(principal, write=False)
    async with ctx.uow() as uow:
        row = await flow_repo.get_version(uow.session, version_id)
        if row is None:
            raise NotFound("no such flow version", code="flow_version_not_found")
        names = await flow_repo.user_names(uow.session, {row.created_by_id} if row.created_by_id else set())
    return VersionView.of(row, agent.locale, names.get(row.created_by_id or 0))


@dataclass(frozen=True, slots=True)
class RunView:
    """A flow run in a conversation, as the agent sees it (summary masked)."""

    id: int
    flow_key: str
    status: str
    step: str
    end_reason: str | None
    started_at: str
    ended_at: str | None
    summary: dict[str, Any] | None

    @classmethod
    def of(cls, row: FlowRun) -> RunView:
        """From a stored row."""
        return cls(
            row.id,
            row.flow_key,
            row.status,
            row.step,
            row.end_reason,
            row.started_at.isoformat(),
            row.ended_at.isoformat() if row.ended_at else None,
            json.loads(row.summary) if row.summary else None,
        )


async def runs_of(ctx: Context, principal: Principal, conversation_id: int) -> list[RunView]:
    """The flows run in a conversation the caller may see (newest first), with their summaries."""
    _require(principal, write=False)
    async with ctx.uow() as uow:
        await load_visible(uow.session, principal, conversation_id)
        return [RunView.of(row) for row in await flow_repo.runs_of(uow.session, conversation_id)]


async def install(ctx: Context, source: str, *, by_user_id: int | None = None) -> VersionView:
    """Store and publish ``source`` in one step (the demo, ``kefu flow import --publish``)."""
    flow = check_source(source)
    async with ctx.uow() as uow:
        number = await flow_repo.next_version_number(uow.session, flow.key)
        now = ctx.clock.now()
        row = FlowVersion(
            key=flow.key,
            version=number,
            name=pick(flow.name, "zh-CN")[:200],
            source=source,
            status="published",
            created_by_id=by_user_id,
            created_at=now,
            published_at=now,
        )
        uow.session.add(row)
        await uow.session.flush()
        await flow_repo.retire_published(uow.session, flow.key, row.id)
        uow.emit(FlowsChanged(flow.key))
        view = VersionView.of(row)
        await uow.commit()
    return view
