"""What one kefu node keeps for calling the company's backend: one HTTP client and the actions' cache.

One ``httpx.AsyncClient`` per node, so calls share its connection pool (a flow's calls to the same
backend reuse warm connections, TLS included) instead of each paying a handshake. The actions are read
from the database once and kept until ``IntegrationsChanged`` says an admin changed one (on any node);
a generation number makes sure a load that started before a change cannot store the old list after it.
"""

from __future__ import annotations

import asyncio

import httpx

from kefu.integrations.config import ActionConfig

MAX_CONNECTIONS = 100


class IntegrationsRuntime:
    """The node's HTTP client (created on first use) and its cache of configured actions."""

    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None
        self._actions: dict[str, ActionConfig] | None = None
        self._generation = 0
        self.load_lock = asyncio.Lock()

    def http(self) -> httpx.AsyncClient:
        """The shared client. Redirects are not followed (a redirect could lead past the address check);
        timeouts are set per call from the action's configuration; no proxy from the environment, as a
        proxy would connect to the name itself, not to the checked address."""
        if self._client is None:
            self._client = httpx.AsyncClient(
                follow_redirects=False,
                trust_env=False,
                limits=httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=20),
            )
        return self._client

    @property
    def cached(self) -> dict[str, ActionConfig] | None:
        """The actions by name, or None when they must be (re)loaded."""
        return self._actions

    @property
    def generation(self) -> int:
        """Changes with every invalidation; a loader stores its result only if it did not change."""
        return self._generation

    def store(self, actions: dict[str, ActionConfig], generation: int) -> None:
        """Keep ``actions`` unless the cache was invalidated since they were read."""
        if generation == self._generation:
            self._actions = actions

    def invalidate(self) -> None:
        """Forget the cached actions (an admin changed one)."""
        self._generation += 1
        self._actions = None

    async def aclose(self) -> None:
        """Close the HTTP client's connections (at the node's shutdown)."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()
