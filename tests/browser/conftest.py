"""Browser fixtures: one Chromium per test session (sync Playwright), fresh contexts per test.

Without /usr/bin/chromium the browser tests are skipped, unless ``KEFU_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

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
PHONE = {"width": 375, "height": 667}


def _require_browser() -> None:
    if CHROMIUM.exists():
        return
    message = f"Chromium not found at {CHROMIUM}"
    if os.environ.get("KEFU_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Chromium shared by the session (sync API, so no asyncio loop is involved)."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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
    a JavaScript dialog (XSS) or an uncaught page error."""
    contexts = []
    problems: list[str] = []

    def make(viewport: dict[str, int] | None = None, **kwargs: object) -> object:
        context = browser.new_context(viewport=viewport or DESKTOP, locale="zh-CN", **kwargs)
        context.set_default_timeout(10_000)

        def on_page(page: object) -> None:
            page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

        context.on("page", on_page)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert problems == []
