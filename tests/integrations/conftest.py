"""A real company backend for the integration tests (one per module, reset for each test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integrations.backend import Backend


@pytest.fixture(scope="module")
def running_backend() -> Iterator[Backend]:
    backend = Backend()
    backend.start()
    yield backend
    backend.stop()


@pytest.fixture
def backend(running_backend: Backend) -> Backend:
    running_backend.state.reset()
    return running_backend
