"""A ticket's history replays to its state: the ``created`` line holds the starting values and every
change line ``{field, before, after}``. Used by the property test (and handy to audit a ticket)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kefu.tickets.views import EventView

TRACKED = ("status", "priority", "type_key", "title", "assignee_id", "skill_group_id", "resolution")


def replay(events: Iterable[EventView]) -> dict[str, Any]:
    """The state the timeline describes: status, priority, type, title, assignee, group, fields,
    resolution and the number of reopens."""
    state: dict[str, Any] = {}
    for event in events:
        if event.kind == "created":
            state = {key: event.data.get(key) for key in TRACKED}
            state["fields"] = dict(event.data.get("fields") or {})
            state["reopened_count"] = 0
            continue
        name = event.data.get("field")
        if not isinstance(name, str) or "after" not in event.data:
            continue
        if name.startswith("fields."):
            key = name.removeprefix("fields.")
            if event.data["after"] is None:
                state["fields"].pop(key, None)
            else:
                state["fields"][key] = event.data["after"]
        else:
            state[name] = event.data["after"]
        if name == "status" and event.data.get("resolution"):
            state["resolution"] = event.data["resolution"]
        if event.data.get("reopen"):
            state["reopened_count"] += 1
    return state
