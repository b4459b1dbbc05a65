"""The flows a node runs: every published version, parsed once, and what starts each.

Each node keeps its own copy, rebuilt at start-up and whenever ``FlowsChanged`` says an admin
published or retired a version (on any node). Versions that runs started on stay readable after a
newer one is published: a running conversation finishes on the version it started with.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from kefu.bot.normalize import normalize
from kefu.context import Context
from kefu.flows.engine import pick
from kefu.flows.model import Flow
from kefu.flows.source import FlowFileError, parse
from kefu.storage.repositories import flows as flow_repo

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Published:
    """A published flow: its version row id and number, and the parsed flow."""

    version_id: int
    version: int
    flow: Flow


@dataclass(frozen=True, slots=True)
class MenuItem:
    """A button of the self-service menu."""

    key: str
    label: str
    order: int


def _compact(text: str) -> str:
    return normalize(text, strip_punct=True).replace(" ", "")


class Library:
    """Published flows by key, older versions by id (loaded on demand), and the trigger matcher."""

    def __init__(self) -> None:
        self.published: dict[str, Published] = {}
        self._versions: dict[int, Flow] = {}
        self._numbers: dict[int, int] = {}  # version row id -> its number (a stored version never changes)
        self._keywords: list[tuple[str, str]] = []  # (compact keyword, key), longest first
        self._patterns: list[tuple[re.Pattern[str], str]] = []
        self._entries: dict[str, str] = {}  # compact entry question -> key

    async def load(self, ctx: Context) -> None:
        """Read every published version from the database."""
        async with ctx.uow() as uow:
            rows = await flow_repo.published(uow.session)
        published: dict[str, Published] = {}
        for row in rows:
            try:
                flow = parse(row.source)
            except FlowFileError as exc:  # stored versions were valid when published; keep the others
                log.error("flow %s v%s no longer loads: %s", row.key, row.version, exc)
                continue
            published[row.key] = Published(row.id, row.version, flow)
            self._versions[row.id] = flow
            self._numbers[row.id] = row.version
        self.use(published)

    @classmethod
    def of_sources(cls, sources: list[str]) -> Library:
        """A library of flow files not in any database (``kefu eval --flows``); each must parse."""
        library = cls()
        flows = [parse(source) for source in sources]
        library.use({flow.key: Published(0, 0, flow) for flow in flows})
        return library

    def use(self, published: dict[str, Published]) -> None:
        """Swap in a set of published flows (and index their triggers)."""
        keywords: list[tuple[str, str]] = []
        patterns: list[tuple[re.Pattern[str], str]] = []
        entries: dict[str, str] = {}
        for key, item in published.items():
            triggers = item.flow.triggers
            keywords.extend((_compact(word), key) for word in triggers.keywords if _compact(word))
            if triggers.menu is not None:
                for label in (
                    [triggers.menu.label] if isinstance(triggers.menu.label, str) else triggers.menu.label.values()
                ):
                    keywords.append((_compact(label), key))
            patterns.extend((re.compile(p, re.IGNORECASE), key) for p in triggers.patterns)
            entries.update((_compact(question), key) for question in triggers.entries)
        keywords.sort(key=lambda pair: -len(pair[0]))
        self.published = published
        self._keywords, self._patterns, self._entries = keywords, patterns, entries

    async def version(self, ctx: Context, version_id: int) -> Flow | None:
        """The flow of a version (published or not), parsed once."""
        flow = self._versions.get(version_id)
        if flow is None:
            async with ctx.uow() as uow:
                row = await flow_repo.get_version(uow.session, version_id)
            if row is None:
                return None
            flow = parse(row.source)
            self._versions[version_id] = flow
            self._numbers[version_id] = row.version
        return flow

    async def number(self, ctx: Context, version_id: int) -> int:
        """The version number of a version row (0 if there is no such row), read once."""
        number = self._numbers.get(version_id)
        if number is None:
            async with ctx.uow() as uow:
                row = await flow_repo.get_version(uow.session, version_id)
            if row is None:
                return 0
            number = self._numbers[version_id] = row.version
        return number

    def match(self, text: str, entry_question: str | None = None) -> str | None:
        """The key of the flow whose trigger ``text`` (or the knowledge entry it matched) fits, if any."""
        compact = _compact(text)
        for keyword, key in self._keywords:
            if keyword and keyword in compact:
                return key
        for pattern, key in self._patterns:
            if pattern.search(text):
                return key
        if entry_question is not None:
            return self._entries.get(_compact(entry_question))
        return None

    def menu(self, locale: str) -> list[MenuItem]:
        """The self-service menu, in order."""
        items = [
            MenuItem(key, pick(item.flow.triggers.menu.label, locale), item.flow.triggers.menu.order)
            for key, item in self.published.items()
            if item.flow.triggers.menu is not None
        ]
        return sorted(items, key=lambda m: (m.order, m.key))
