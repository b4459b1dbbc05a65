"""Keeping a node's cached actions in step with the database: forget them on ``IntegrationsChanged``.

Runs on every node, since the admin may have saved on another one; the next call reads the actions
afresh (``client.actions``), so events that arrive out of order still leave the node with what the
database holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kefu.bus.base import Delivery, Listener
from kefu.events import Event, IntegrationsChanged

if TYPE_CHECKING:
    from kefu.context import Context


def listener(ctx: Context) -> Listener:
    """The bus listener that invalidates ``ctx.integrations``'s cache when an action changes."""

    async def on_event(event: Event) -> None:
        if isinstance(event, IntegrationsChanged):
            ctx.integrations.invalidate()

    return on_event


def start(ctx: Context) -> Callable[[], None]:
    """Listen for changes; returns the function that stops listening."""
    return ctx.bus.subscribe(listener(ctx), Delivery.EVERY_NODE)
