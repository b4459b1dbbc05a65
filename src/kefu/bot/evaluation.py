"""Offline evaluation of the retriever on a JSONL knowledge base and query set."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from kefu.bot.decision import Thresholds, decide
from kefu.bot.embeddings import Embedder
from kefu.bot.retrieval import KBDoc, RankerSettings, Retriever
from kefu.bot.tokenizer import Tokenizer

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class EvalQuery:
    """A query and the ids of the entries that answer it."""

    query: str
    expected: list[str]


@dataclass(slots=True)
class EvalReport:
    """Ranking quality, decision shares and speed of one evaluation run."""

    queries: int = 0
    entries: int = 0
    p_at_1: float = 0.0
    mrr_at_10: float = 0.0
    recall_at_5: float = 0.0
    answer_share: float = 0.0
    clarify_share: float = 0.0
    decline_share: float = 0.0
    answer_precision: float = 0.0  # share of direct answers whose entry is right
    latency_p50_ms: float = 0.0
    latency_p99_ms: float = 0.0
    build_seconds: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Plain dict (for JSON output)."""
        return asdict(self)


def read_jsonl(path: Path) -> Iterator[dict[str, object]]:
    """Yield the JSON objects of a JSONL file, skipping blank lines."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                if isinstance(row, dict):
                    yield row


def load_kb(path: Path) -> list[KBDoc]:
    """``{"id", "answer", "questions": [...]}`` lines → entries (first question is the standard one)."""
    docs = []
    for row in read_jsonl(path):
        questions = [str(q) for q in row.get("questions") or [] if str(q).strip()]  # type: ignore[attr-defined]
        keywords = [str(k) for k in row.get("keywords") or []]  # type: ignore[attr-defined]
        docs.append(
            KBDoc(
                id=str(row["id"]),
                question=questions[0] if questions else "",
                similar=questions[1:],
                answer=str(row.get("answer", "")),
                keywords=keywords,
            )
        )
    return docs


def load_queries(path: Path) -> list[EvalQuery]:
    """``{"query", "expected": [ids]}`` lines (any ``pool`` field is ignored)."""
    return [
        EvalQuery(str(row["query"]), [str(e) for e in row.get("expected") or []])  # type: ignore[attr-defined]
        for row in read_jsonl(path)
    ]


def evaluate(
    kb_path: Path | str,
    queries_path: Path | str,
    *,
    settings: RankerSettings | None = None,
    thresholds: Thresholds | None = None,
    tokenizer: Tokenizer | None = None,
    limit: int | None = None,
    progress: ProgressCallback | None = None,
    embedder: Embedder | None = None,
) -> EvalReport:
    """Build a retriever over the whole knowledge base and rank every query against it."""
    docs = load_kb(Path(kb_path))
    queries = load_queries(Path(queries_path))[:limit]
    retriever = Retriever.build(docs, tokenizer or Tokenizer(), settings, embedder)
    return evaluate_retriever(retriever, queries, thresholds=thresholds, progress=progress)


def evaluate_retriever(
    retriever: Retriever,
    queries: list[EvalQuery],
    *,
    thresholds: Thresholds | None = None,
    progress: ProgressCallback | None = None,
) -> EvalReport:
    """Rank ``queries`` with an already built ``retriever``."""
    report = EvalReport(queries=len(queries), entries=len(retriever), build_seconds=retriever.build_seconds)
    latencies: list[float] = []
    p1 = mrr = r5 = 0.0
    kinds = {"answer": 0, "clarify": 0, "decline": 0}
    answered_right = 0
    for number, item in enumerate(queries, start=1):
        started = time.perf_counter()
        hits = retriever.search(item.query, k=10)
        latencies.append(time.perf_counter() - started)
        expected = set(item.expected)
        ranked = [h.doc_id for h in hits]
        if ranked and ranked[0] in expected:
            p1 += 1
        for rank, doc_id in enumerate(ranked, start=1):
            if doc_id in expected:
                mrr += 1.0 / rank
                break
        if expected & set(ranked[:5]):
            r5 += 1
        decision = decide(hits, thresholds)
        kinds[decision.kind] += 1
        if decision.kind == "answer" and decision.hits[0].doc_id in expected:
            answered_right += 1
        if progress is not None:
            progress(number, len(queries))
    n = max(len(queries), 1)
    report.p_at_1, report.mrr_at_10, report.recall_at_5 = p1 / n, mrr / n, r5 / n
    report.answer_share = kinds["answer"] / n
    report.clarify_share = kinds["clarify"] / n
    report.decline_share = kinds["decline"] / n
    report.answer_precision = answered_right / kinds["answer"] if kinds["answer"] else 0.0
    if latencies:
        ms = np.asarray(latencies) * 1000.0
        report.latency_p50_ms = float(np.percentile(ms, 50))
        report.latency_p99_ms = float(np.percentile(ms, 99))
    return report
