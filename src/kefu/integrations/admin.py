"""Configuring the actions of the company's backend: admins write, supervisors read, nobody sees a secret.

Every change is checked in full before anything is written (bad input changes nothing), the URL's
host must resolve to a public address unless the action allows private ones (``ssrf.check_url``),
and the admin who made it is recorded (``updated_by``) and logged. ``IntegrationsChanged`` leaves
after commit, on which every node forgets its cached actions; this node forgets them at once, so the
admin's next 测试 already uses the change.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kefu.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kefu.events import IntegrationsChanged
from kefu.integrations import ssrf
from kefu.integrations.client import Outcome, call_config
from kefu.integrations.config import (
    DEFAULT_ATTEMPTS,
    DEFAULT_TIMEOUT_MS,
    ActionConfig,
    ActionView,
    check_fields,
    check_name,
    last4,
)
from kefu.security.principals import AgentPrincipal, Principal
from kefu.storage.repositories import integrations as repo
from kefu.storage.tables import IntegrationAction

if TYPE_CHECKING:
    from kefu.context import Context

log = logging.getLogger(__name__)

REQUIRED = ("url", "secret")


def _require_staff(principal: Principal, *, write: bool) -> AgentPrincipal:
    allowed = ("admin",) if write else ("admin", "supervisor")
    if not isinstance(principal, AgentPrincipal) or principal.role not in allowed:
        who = "admins" if write else "admins and supervisors"
        raise PermissionDenied(f"only {who} may {'change' if write else 'see'} the backend's actions")
    return principal


def _view(row: IntegrationAction, names: Mapping[int, str]) -> ActionView:
    return ActionView(
        name=row.name,
        url=row.url,
        description=row.description,
        timeout_ms=row.timeout_ms,
        max_attempts=row.max_attempts,
        allow_private=row.allow_private,
        enabled=row.enabled,
        secret_set=bool(row.secret),
        secret_last4=last4(row.secret),
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        updated_by_name=names.get(row.updated_by) if row.updated_by is not None else None,
    )


def _config(row: IntegrationAction) -> ActionConfig:
    return ActionConfig(
        row.name, row.url, row.secret, row.timeout_ms, row.max_attempts, row.allow_private, row.enabled, row.description
    )


async def _check_target(url: str, allow_private: bool) -> None:
    try:
        ssrf.parse(url)
        await ssrf.check_url(url, allow_private=allow_private)
    except ssrf.UnsafeURL as exc:
        raise InvalidInput(exc.message, code=exc.code) from exc


async def list_actions(ctx: Context, principal: Principal) -> list[ActionView]:
    """Every configured action, by name (admins and supervisors)."""
    _require_staff(principal, write=False)
    async with ctx.uow() as uow:
        rows = await repo.all_actions(uow.session)
        names = await repo.user_names(uow.session, {r.updated_by for r in rows if r.updated_by is not None})
        return [_view(row, names) for row in rows]


async def create_action(ctx: Context, principal: Principal, name: str, values: Mapping[str, object]) -> ActionView:
    """Add an action (admins): ``url`` and ``secret`` are required; the rest have defaults
    (timeout 5000 ms, 3 attempts, enabled, private addresses refused)."""
    admin = _require_staff(principal, write=True)
    check_name(name)
    missing = [field for field in REQUIRED if values.get(field) is None]
    if missing:
        raise InvalidInput(f"missing: {', '.join(missing)}", code="missing_field")
    checked = check_fields({k: v for k, v in values.items() if v is not None})
    fields: dict[str, Any] = {
        "timeout_ms": DEFAULT_TIMEOUT_MS,
        "max_attempts": DEFAULT_ATTEMPTS,
        "allow_private": False,
        "enabled": True,
        "description": "",
        **checked,
    }
    await _check_target(fields["url"], fields["allow_private"])
    async with ctx.uow() as uow:
        if await repo.get_action(uow.session, name) is not None:
            raise Conflict(f"an action named {name!r} exists already", code="action_exists")
        row = await repo.add_action(
            uow.session, IntegrationAction(name=name, updated_by=admin.user_id, updated_at=ctx.clock.now(), **fields)
        )
        uow.emit(IntegrationsChanged(name))
        await uow.commit()
        ctx.integrations.invalidate()
        view = _view(row, {admin.user_id: admin.display_name})
    log.info("integration action %s created by user %d (%s)", name, admin.user_id, admin.username)
    return view


async def update_action(ctx: Context, principal: Principal, name: str, changes: Mapping[str, object]) -> ActionView:
    """Change the given fields of an action (admins); a field left out stays as it is, so a secret is
    changed only by sending a new one."""
    admin = _require_staff(principal, write=True)
    checked = check_fields(dict(changes))
    async with ctx.uow() as uow:
        row = await repo.get_action(uow.session, name)
        if row is None:
            raise NotFound(f"no action named {name!r}", code="action_not_found")
        url = str(checked.get("url", row.url))
        allow_private = bool(checked.get("allow_private", row.allow_private))
        if url != row.url or allow_private != row.allow_private:
            await _check_target(url, allow_private)
        for field, value in checked.items():
            setattr(row, field, value)
        row.updated_by = admin.user_id
        row.updated_at = ctx.clock.now()
        await uow.session.flush()
        uow.emit(IntegrationsChanged(name))
        await uow.commit()
        ctx.integrations.invalidate()
        view = _view(row, {admin.user_id: admin.display_name})
    log.info(
        "integration action %s changed by user %d (%s): %s",
        name,
        admin.user_id,
        admin.username,
        ", ".join(sorted(checked)),
    )
    return view


async def delete_action(ctx: Context, principal: Principal, name: str) -> None:
    """Remove an action (admins); flows that call it get ``unavailable`` from then on."""
    admin = _require_staff(principal, write=True)
    async with ctx.uow() as uow:
        row = await repo.get_action(uow.session, name)
        if row is None:
            raise NotFound(f"no action named {name!r}", code="action_not_found")
        await repo.delete_action(uow.session, row)
        uow.emit(IntegrationsChanged(name, deleted=True))
        await uow.commit()
        ctx.integrations.invalidate()
    log.info("integration action %s deleted by user %d (%s)", name, admin.user_id, admin.username)


async def try_action(ctx: Context, principal: Principal, name: str, params: Mapping[str, Any]) -> Outcome:
    """Call an action once with ``params`` and return its outcome (admins): the console's 测试 button.

    A disabled action can be tested too, so an admin can check it before turning it on. Each test is a
    new logical call (a fresh idempotency key).
    """
    admin = _require_staff(principal, write=True)
    async with ctx.uow() as uow:
        row = await repo.get_action(uow.session, name)
        if row is None:
            raise NotFound(f"no action named {name!r}", code="action_not_found")
        config = _config(row)
    log.info("integration action %s tested by user %d (%s)", name, admin.user_id, admin.username)
    return await call_config(
        ctx,
        config,
        params,
        idempotency_key=f"kefu-test-{uuid.uuid4().hex}",
        context={"locale": admin.locale},
    )
