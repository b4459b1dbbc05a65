"""Keeping a node's text book in step with the database: load at start, reload on ``TextsChanged``.

This listener runs on every node (the event may come from an admin on another node). It reloads all
overrides rather than applying the event's change, so events that arrive out of order still leave the
node with what the database holds; reloads run one at a time, so the last one reads the latest state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from kefu.bus.base import Delivery, Listener
from kefu.context import Context
from kefu.events import Event, TextsChanged
from kefu.routing import hours
from kefu.storage.repositories import canned as canned_repo
from kefu.storage.repositories import routing as routing_repo
from kefu.storage.repositories import texts as text_repo
from kefu.storage.repositories import users as user_repo
from kefu.texts.catalogue import CATALOGUE, LOCALES


async def load(ctx: Context) -> int:
    """Read the organisation's overrides and language, and the skill groups' own greetings and hours,
    into ``ctx.texts``; how many organisation overrides there are."""
    async with ctx.uow() as uow:
        rows = await text_repo.all_overrides(uow.session)
        overrides = {(r.code, r.locale): r.text for r in rows if r.code in CATALOGUE}
        organisation = await user_repo.get_organisation(uow.session)
        greetings = {
            (g.skill_group_id, g.channel, g.code, g.locale): g.text
            for g in await canned_repo.all_greetings(uow.session)
            if g.code in CATALOGUE
        }
        groups = await routing_repo.all_groups(uow.session)
    group_hours = {(g.id, loc): hours.describe(hours.parse(g.hours), loc) for g in groups for loc in LOCALES}
    locale = organisation.default_locale if organisation is not None else ctx.settings.default_locale
    ctx.texts.replace(overrides, locale, greetings, group_hours)
    return len(overrides)


def listener(ctx: Context) -> Listener:
    """The bus listener that reloads ``ctx.texts`` whenever a text changes."""
    lock = asyncio.Lock()

    async def on_event(event: Event) -> None:
        if isinstance(event, TextsChanged):
            async with lock:
                await load(ctx)

    return on_event


async def start(ctx: Context) -> Callable[[], None]:
    """Load the overrides and keep them current; returns the function that stops listening."""
    await load(ctx)
    return ctx.bus.subscribe(listener(ctx), Delivery.EVERY_NODE)
