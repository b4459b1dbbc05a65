"""Admin settings of the service desk: SLA policies and holidays (types are in ``types``).

Supervisors and admins change them. Changing a policy affects tickets from their next clock event
(a reply, a status or priority change), not retroactively.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from kefu.context import Context
from kefu.errors import InvalidInput, NotFound, PermissionDenied
from kefu.security.principals import AgentPrincipal, Principal
from kefu.storage.repositories import tickets as repo
from kefu.storage.tables import Holiday, SlaPolicy
from kefu.tickets.status import PRIORITIES

POLICY_FIELDS = (
    "type_key",
    "priority",
    "first_response_minutes",
    "next_update_minutes",
    "resolution_minutes",
    "warn_before_minutes",
    "reassign_on_breach",
)
MAX_MINUTES = 60 * 24 * 365


def require_manager(principal: Principal) -> AgentPrincipal:
    """Supervisors and admins only."""
    if not isinstance(principal, AgentPrincipal) or not principal.sees_everything:
        raise PermissionDenied("only supervisors and admins change service-desk settings")
    return principal


@dataclass(frozen=True, slots=True)
class PolicyView:
    """An SLA policy (minutes are working minutes on the group's business hours)."""

    id: int
    type_key: str | None
    priority: str | None
    first_response_minutes: int | None
    next_update_minutes: int | None
    resolution_minutes: int | None
    warn_before_minutes: int
    reassign_on_breach: bool

    @classmethod
    def of(cls, row: SlaPolicy) -> PolicyView:
        """From a stored row."""
        return cls(*(getattr(row, name) for name in ("id", *POLICY_FIELDS)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


async def list_policies(ctx: Context) -> list[PolicyView]:
    """Every SLA policy."""
    async with ctx.uow() as uow:
        return [PolicyView.of(r) for r in await repo.sla_policies(uow.session)]


def _check_policy(values: dict[str, Any]) -> None:
    if values.get("priority") not in (None, *PRIORITIES):
        raise InvalidInput("unknown priority", code="bad_priority")
    for name in ("first_response_minutes", "next_update_minutes", "resolution_minutes", "warn_before_minutes"):
        value = values.get(name)
        if value is not None and not 0 <= int(value) <= MAX_MINUTES:
            raise InvalidInput(f"{name} must be within 0–{MAX_MINUTES}", code="bad_minutes")


async def save_policy(
    ctx: Context, principal: Principal, values: dict[str, Any], policy_id: int | None = None
) -> PolicyView:
    """Create (no id) or change an SLA policy."""
    require_manager(principal)
    values = {k: v for k, v in values.items() if k in POLICY_FIELDS}
    _check_policy(values)
    async with ctx.uow() as uow:
        if values.get("type_key") is not None and await repo.get_type(uow.session, values["type_key"]) is None:
            raise InvalidInput("unknown ticket type", code="bad_type")
        if policy_id is None:
            row = SlaPolicy(warn_before_minutes=30, reassign_on_breach=False)
            uow.session.add(row)
        else:
            found = await uow.session.get(SlaPolicy, policy_id)
            if found is None:
                raise NotFound("SLA policy not found", code="sla_policy_not_found")
            row = found
        for name, value in values.items():
            setattr(row, name, value)
        if row.warn_before_minutes is None:
            row.warn_before_minutes = 30
        await uow.session.flush()
        view = PolicyView.of(row)
        await uow.commit()
    return view


async def delete_policy(ctx: Context, principal: Principal, policy_id: int) -> None:
    """Remove an SLA policy."""
    require_manager(principal)
    async with ctx.uow() as uow:
        if not await repo.delete_row(uow.session, SlaPolicy, policy_id):
            raise NotFound("SLA policy not found", code="sla_policy_not_found")
        await uow.commit()


@dataclass(frozen=True, slots=True)
class HolidayView:
    """A holiday (closed) or make-up working day (``working``), for all groups or one."""

    id: int
    day: str
    name: str
    skill_group_id: int | None
    working: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def _holiday(row: Holiday) -> HolidayView:
    return HolidayView(row.id, row.day, row.name, row.skill_group_id, row.working)


async def list_holidays(ctx: Context) -> list[HolidayView]:
    """Every holiday row, by date."""
    async with ctx.uow() as uow:
        return [_holiday(r) for r in await repo.all_holidays(uow.session)]


async def add_holiday(
    ctx: Context, principal: Principal, day: str, name: str, skill_group_id: int | None, working: bool
) -> HolidayView:
    """Add a holiday or make-up working day."""
    require_manager(principal)
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise InvalidInput("day must be YYYY-MM-DD", code="bad_day") from None
    async with ctx.uow() as uow:
        row = Holiday(day=parsed.isoformat(), name=name.strip()[:100], skill_group_id=skill_group_id, working=working)
        uow.session.add(row)
        await uow.session.flush()
        view = _holiday(row)
        await uow.commit()
    return view


async def delete_holiday(ctx: Context, principal: Principal, holiday_id: int) -> None:
    """Remove a holiday row."""
    require_manager(principal)
    async with ctx.uow() as uow:
        if not await repo.delete_row(uow.session, Holiday, holiday_id):
            raise NotFound("holiday not found", code="holiday_not_found")
        await uow.commit()
