"""Ticket types (咨询, 投诉, 报修, 退款, 其他 …) and their custom fields: validation and admin CRUD.

A type's ``fields`` is a list of ``{key, label, type, choices, required}`` with type one of text, date,
order_no, phone, choice. Values are checked against it; keys a type does not declare are kept as they
are (a flow may collect more than the type shows), as long as they are short strings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from kefu.context import Context
from kefu.errors import Conflict, InvalidInput, NotFound
from kefu.storage.repositories import tickets as repo
from kefu.storage.tables import TicketType

FIELD_TYPES = ("text", "date", "order_no", "phone", "choice")
COMPLAINT = "complaint"
OTHER = "other"
MAX_VALUE = 500
MAX_FIELDS = 30
PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,30}$")
ORDER_NO = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True, slots=True)
class TypeView:
    """A ticket type as the console shows it."""

    key: str
    name: str
    fields: list[dict[str, Any]]
    enabled: bool
    sort: int

    @classmethod
    def of(cls, row: TicketType) -> TypeView:
        """From a stored row."""
        fields = [{"choices": [], "required": False, "type": "text", **f} for f in json.loads(row.fields or "[]")]
        return cls(row.key, row.name, fields, row.enabled, row.sort)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"key": self.key, "name": self.name, "fields": self.fields, "enabled": self.enabled, "sort": self.sort}


def check_specs(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate a type's field list (admin input)."""
    if len(specs) > MAX_FIELDS:
        raise InvalidInput(f"at most {MAX_FIELDS} fields", code="bad_fields")
    seen: set[str] = set()
    clean: list[dict[str, Any]] = []
    for spec in specs:
        key, kind = str(spec.get("key", "")), str(spec.get("type", "text"))
        if not KEY.match(key) or key in seen:
            raise InvalidInput(f"field key {key!r} must be unique, lower-case letters, digits, _", code="bad_fields")
        if kind not in FIELD_TYPES:
            raise InvalidInput(f"field type must be one of {', '.join(FIELD_TYPES)}", code="bad_fields")
        choices = [str(c) for c in spec.get("choices") or []]
        if kind == "choice" and not choices:
            raise InvalidInput(f"field {key!r}: a choice needs choices", code="bad_fields")
        seen.add(key)
        clean.append(
            {
                "key": key,
                "label": str(spec.get("label") or key)[:100],
                "type": kind,
                "choices": choices,
                "required": bool(spec.get("required", False)),
            }
        )
    return clean


def check_values(specs: list[dict[str, Any]], values: dict[str, Any], *, require: bool) -> dict[str, str]:
    """Validate field values against a type's specs; ``require`` enforces required fields."""
    by_key = {s["key"]: s for s in specs}
    clean: dict[str, str] = {}
    for key, raw in values.items():
        if raw is None or raw == "":
            continue
        value = str(raw).strip()
        if len(key) > 64 or len(value) > MAX_VALUE:
            raise InvalidInput(f"field {key!r} is too long", code="bad_field")
        spec = by_key.get(key)
        kind = spec["type"] if spec else "text"
        label = spec["label"] if spec else key
        if kind == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                raise InvalidInput(f"{label}: use a date like 2026-03-15", code="bad_field") from None
        elif kind == "phone" and not PHONE.match(value):
            raise InvalidInput(f"{label}: not a phone number", code="bad_field")
        elif kind == "order_no" and not ORDER_NO.match(value):
            raise InvalidInput(f"{label}: not an order number", code="bad_field")
        elif kind == "choice" and spec and value not in spec["choices"]:
            raise InvalidInput(f"{label}: choose one of {', '.join(spec['choices'])}", code="bad_field")
        clean[key] = value
    if require:
        missing = [s["label"] for s in specs if s.get("required") and s["key"] not in clean]
        if missing:
            raise InvalidInput(f"required: {', '.join(missing)}", code="field_required")
    return clean


def search_keys(specs: list[dict[str, Any]], values: dict[str, str]) -> tuple[str | None, str | None]:
    """The phone and order number among the values (copied to indexed columns for search)."""
    kinds = {s["key"]: s["type"] for s in specs}
    phone = next((v for k, v in values.items() if kinds.get(k) == "phone" or k in ("phone", "contact")), None)
    if phone is not None and not PHONE.match(phone):
        phone = None
    order = next((v for k, v in values.items() if kinds.get(k) == "order_no" or k in ("order_no", "order")), None)
    return (phone.replace(" ", "").replace("-", "")[:32] if phone else None), (order[:64] if order else None)


async def list_types(ctx: Context, *, enabled_only: bool = False) -> list[TypeView]:
    """Every ticket type, in order."""
    async with ctx.uow() as uow:
        return [TypeView.of(r) for r in await repo.types(uow.session, enabled_only=enabled_only)]


async def save_type(
    ctx: Context,
    key: str,
    *,
    name: str | None = None,
    fields: list[dict[str, Any]] | None = None,
    enabled: bool | None = None,
    sort: int | None = None,
    create: bool = False,
) -> TypeView:
    """Create (``create``) or change a type (admins). Types are disabled, never deleted: tickets keep them."""
    if not KEY.match(key):
        raise InvalidInput("type key must be lower-case letters, digits, _", code="bad_type_key")
    async with ctx.uow() as uow:
        row = await repo.get_type(uow.session, key)
        if create:
            if row is not None:
                raise Conflict("a type with this key exists", code="type_exists")
            if not name:
                raise InvalidInput("name is required", code="name_required")
            row = TicketType(key=key, name=name[:100], fields="[]", enabled=True, sort=100)
            uow.session.add(row)
        elif row is None:
            raise NotFound("ticket type not found", code="ticket_type_not_found")
        if name is not None:
            row.name = name.strip()[:100] or row.name
        if fields is not None:
            row.fields = json.dumps(check_specs(fields), ensure_ascii=False)
        if enabled is not None:
            row.enabled = enabled
        if sort is not None:
            row.sort = sort
        await uow.session.flush()
        view = TypeView.of(row)
        await uow.commit()
    return view
