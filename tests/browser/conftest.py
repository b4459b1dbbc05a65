"""Browser fixtures: one Chromium shared by the session's browser tests (sync Playwright), fresh
contexts per test.

Without /usr/bin/chromium the browser tests are skipped, unless ``KEFU_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kefu.config import Settings
from tests.support import LiveServer, seed

CHROMIUM = Path(os.environ.get("KEFU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1366, "height": 800}
# Upper bounds of the condition waits (actions wait for their element; ``expect`` for its condition),
# not delays: a passing test never waits them out. Generous, because the tests must pass on a loaded
# 2-core machine, where a server-side step (a knowledge-base re-index, say) can take several seconds.
ACTION_TIMEOUT_MS = 30_000
EXPECT_TIMEOUT_MS = 20_000
PHONE = {"width": 375, "height": 667}


def _require_browser() -> None:
    if CHROMIUM.exists():
        return
    message = f"Chromium not found at {CHROMIUM}"
    if os.environ.get("KEFU_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


class _SharedChromium:
    """One Chromium for all browser tests of the session.

    Sync Playwright keeps an asyncio loop running in the main thread while it is started, which would
    break every async test after it. So the browser tests are moved to the end of the session
    (``pytest_collection_modifyitems``) and Playwright is stopped as soon as they are done
    (``pytest_runtest_teardown``); a later browser test would simply start it again.
    """

    def __init__(self) -> None:
        self.manager: object | None = None
        self.chromium: object | None = None

    def get(self) -> object:
        if self.chromium is None:
            from playwright.sync_api import sync_playwright

            self.manager = sync_playwright()
            playwright = self.manager.__enter__()
            self.chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        return self.chromium

    def stop(self) -> None:
        if self.chromium is not None:
            self.chromium.close()
            self.chromium = None
        if self.manager is not None:
            self.manager.__exit__(None, None, None)
            self.manager = None


_SHARED = _SharedChromium()
expect.set_options(timeout=EXPECT_TIMEOUT_MS)


def _is_browser_test(item: pytest.Item | None) -> bool:
    return item is not None and item.get_closest_marker("browser") is not None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last (stable order otherwise)."""
    items.sort(key=_is_browser_test)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Stop Playwright once the run of browser tests is over (after the test's own teardown)."""
    try:
        return (yield)
    finally:
        if _is_browser_test(item) and not _is_browser_test(nextitem):
            _SHARED.stop()


def pytest_sessionfinish() -> None:
    _SHARED.stop()


@pytest.fixture
def browser() -> object:
    """The shared headless Chromium (sync API)."""
    _require_browser()
    return _SHARED.get()


def _in_thread(func: Callable[..., object], *args: object) -> None:
    """Run ``func`` in a fresh thread: sync Playwright keeps an event loop running in the main
    thread, so ``asyncio.run`` (used by the seeding helper) must happen elsewhere."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            func(*args)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


@pytest.fixture
def server(settings: Settings, browser: object) -> Iterator[LiveServer]:
    """Like the shared ``server`` fixture (a real uvicorn with the demo data), but seeded outside the
    main thread so it works next to sync Playwright."""
    _in_thread(seed, settings)
    live = LiveServer(settings)
    live.start()
    yield live
    live.stop()


@pytest.fixture
def new_context(browser: object) -> Iterator[Callable[..., object]]:
    """Make isolated browser contexts (separate cookies and storage); each page fails the test on
    a JavaScript dialog (XSS), an uncaught page error or a Content-Security-Policy violation."""
    contexts = []
    problems: list[str] = []

    def make(viewport: dict[str, int] | None = None, **kwargs: object) -> object:
        context = browser.new_context(viewport=viewport or DESKTOP, locale="zh-CN", **kwargs)
        context.set_default_timeout(ACTION_TIMEOUT_MS)

        def on_page(page: object) -> None:
            page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on(
                "console",
                lambda message: (
                    problems.append(f"console: {message.text}")
                    if "Content Security Policy" in message.text or "Refused to" in message.text
                    else None
                ),
            )

        context.on("page", on_page)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert problems == []
