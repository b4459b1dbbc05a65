"""Offline evaluation of the live bot on a JSONL knowledge base and query set.

Each query is put to the policy customers meet (``live.build_policy``: the index build, thresholds,
question-match boost and hand-over triggers of ``BotService``) as the first message of a fresh
conversation, and the ranking and the decision are read from the ``Turn`` it returns. A separate
decision rule for the figures would measure a bot nobody talks to.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np

from kefu.bot.embeddings import Embedder
from kefu.bot.entries import EntryView
from kefu.bot.live import build_policy
from kefu.bot.policy import Policy, State, Turn
from kefu.config import Settings
from kefu.flows.library import Library
from kefu.flows.triggers import FlowTriggers

ProgressCallback = Callable[[int, int], None]
Decision = Literal["answer", "clarify", "decline", "handover", "smalltalk", "flow"]
DECISIONS: tuple[Decision, ...] = get_args(Decision)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class EvalQuery:
    """A query and the ids of the entries that answer it."""

    query: str
    expected: list[str]


@dataclass(frozen=True, slots=True)
class EvalKB:
    """Entries as the bot indexes them and each one's id in the file.

    The bot's entries have integer ids; a benchmark's may be any string, so entries are numbered
    1..n in file order and figures are reported in the file's ids.
    """

    entries: list[EntryView]
    file_ids: dict[int, str]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the live bot did with one query, in the file's ids."""

    decision: Decision
    answered: str | None  # the entry whose answer the customer got
    ranked: list[str]  # the ranking the decision was taken on, best first
    handover: str | None  # the hand-over reason (an answer on a sensitive entry hands over too)
    seconds: float


@dataclass(slots=True)
class EvalReport:
    """Ranking quality, decision shares and speed of one evaluation run.

    The decision shares add up to 1 and name the first thing the customer sees; an answer on an entry
    marked 转人工 counts as an answer (the customer gets it) and also in ``handed_over_share``.
    """

    queries: int = 0
    entries: int = 0
    p_at_1: float = 0.0
    mrr_at_10: float = 0.0
    recall_at_5: float = 0.0
    answer_share: float = 0.0
    clarify_share: float = 0.0
    decline_share: float = 0.0
    handover_share: float = 0.0
    smalltalk_share: float = 0.0
    flow_share: float = 0.0  # a guided journey started
    handed_over_share: float = 0.0  # any turn that queues the conversation for a person
    answer_precision: float = 0.0  # share of direct answers whose entry is right
    latency_p50_ms: float = 0.0  # one whole turn of the policy, not only the search
    latency_p99_ms: float = 0.0
    build_seconds: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Plain dict (for JSON output)."""
        return asdict(self)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the JSON objects of a JSONL file, skipping blank lines."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                if isinstance(row, dict):
                    yield row


def eval_entry(
    entry_id: int,
    questions: Sequence[str],
    answer: str,
    *,
    keywords: Sequence[str] = (),
    handover: bool = False,
    enabled: bool = True,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> EntryView:
    """An entry as the bot would hold it (the first question is the standard one)."""
    texts = [q for q in questions if q.strip()]
    return EntryView(
        id=entry_id,
        question=texts[0] if texts else "",
        similar=texts[1:],
        answer=answer,
        category="",
        skill_group_id=None,
        group=None,
        keywords=list(keywords),
        quick_replies=[],
        handover=handover,
        enabled=enabled,
        valid_from=valid_from,
        valid_until=valid_until,
        updated_at=_EPOCH,
    )


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    moment = datetime.fromisoformat(value.strip())
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def load_kb(path: Path) -> EvalKB:
    """``{"id", "answer", "questions": [...]}`` lines → entries.

    ``kefu kb export`` writes this format with more fields; ``keywords``, ``handover`` (an answer on it
    hands over), ``enabled`` and ``valid_from``/``valid_until`` (entries the bot would not use are not
    indexed) count as they do for the live bot.
    """
    entries, file_ids = [], {}
    for number, row in enumerate(read_jsonl(path), start=1):
        file_ids[number] = str(row.get("id", number))
        entries.append(
            eval_entry(
                number,
                [str(q) for q in row.get("questions") or []],
                str(row.get("answer", "")),
                keywords=[str(k) for k in row.get("keywords") or []],
                handover=row.get("handover") is True,
                enabled=row.get("enabled") is not False,
                valid_from=_moment(row.get("valid_from")),
                valid_until=_moment(row.get("valid_until")),
            )
        )
    return EvalKB(entries, file_ids)


def load_queries(path: Path) -> list[EvalQuery]:
    """``{"query", "expected": [ids]}`` lines (any ``pool`` field is ignored)."""
    return [EvalQuery(str(row["query"]), [str(e) for e in row.get("expected") or []]) for row in read_jsonl(path)]


def decision_of(turn: Turn) -> Decision:
    """What the customer sees first: an answer, suggestions, a decline, a hand-over, small talk or a journey."""
    if turn.start_flow is not None and not turn.replies:
        return "flow"
    kind = turn.replies[0].meta.get("kind") if turn.replies else None
    for decision in DECISIONS:
        if kind == decision:
            return decision
    raise ValueError(f"a turn of unknown kind {kind!r}: teach the evaluation what it means")


class Evaluation:
    """The live policy over an evaluation knowledge base."""

    def __init__(
        self,
        kb: EvalKB,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        now: datetime | None = None,
        flows: Library | None = None,
    ) -> None:
        started = time.perf_counter()
        journeys = FlowTriggers(flows, self._entry_question) if flows is not None else None
        self.policy: Policy = build_policy(
            settings, kb.entries, now or datetime.now(UTC), embedder=embedder, journeys=journeys
        )
        self.build_seconds = time.perf_counter() - started
        self.file_ids = kb.file_ids

    def _entry_question(self, entry_id: int) -> str | None:
        entry = self.policy.index.entry(entry_id)
        return entry.question if entry is not None else None

    def ask(self, query: str) -> Outcome:
        """Put ``query`` to the bot as the first message of a new conversation."""
        started = time.perf_counter()
        turn = self.policy.respond(query, State())
        seconds = time.perf_counter() - started
        decision = decision_of(turn)
        entry_id = turn.replies[0].meta.get("entry_id") if decision == "answer" else None
        return Outcome(
            decision,
            self.file_ids[entry_id] if isinstance(entry_id, int) else None,
            [self.file_ids[m.entry.id] for m in turn.ranked],
            turn.handover,
            seconds,
        )

    def run(self, queries: Sequence[EvalQuery], progress: ProgressCallback | None = None) -> EvalReport:
        """Ask every query and summarise."""
        report = EvalReport(queries=len(queries), entries=len(self.policy.index), build_seconds=self.build_seconds)
        latencies: list[float] = []
        p1 = mrr = r5 = 0.0
        kinds = dict.fromkeys(DECISIONS, 0)
        answered_right = handed_over = 0
        for number, item in enumerate(queries, start=1):
            outcome = self.ask(item.query)
            latencies.append(outcome.seconds)
            expected = set(item.expected)
            ranked = outcome.ranked[:10]
            if ranked and ranked[0] in expected:
                p1 += 1
            for rank, doc_id in enumerate(ranked, start=1):
                if doc_id in expected:
                    mrr += 1.0 / rank
                    break
            if expected & set(ranked[:5]):
                r5 += 1
            kinds[outcome.decision] += 1
            answered_right += outcome.answered is not None and outcome.answered in expected
            handed_over += outcome.handover is not None
            if progress is not None:
                progress(number, len(queries))
        n = max(len(queries), 1)
        report.p_at_1, report.mrr_at_10, report.recall_at_5 = p1 / n, mrr / n, r5 / n
        report.answer_share = kinds["answer"] / n
        report.clarify_share = kinds["clarify"] / n
        report.decline_share = kinds["decline"] / n
        report.handover_share = kinds["handover"] / n
        report.smalltalk_share = kinds["smalltalk"] / n
        report.flow_share = kinds["flow"] / n
        report.handed_over_share = handed_over / n
        report.answer_precision = answered_right / kinds["answer"] if kinds["answer"] else 0.0
        if latencies:
            ms = np.asarray(latencies) * 1000.0
            report.latency_p50_ms = float(np.percentile(ms, 50))
            report.latency_p99_ms = float(np.percentile(ms, 99))
        return report


def evaluate(
    kb_path: Path | str,
    queries_path: Path | str,
    *,
    settings: Settings | None = None,
    limit: int | None = None,
    progress: ProgressCallback | None = None,
    embedder: Embedder | None = None,
    flows_dir: Path | None = None,
) -> EvalReport:
    """Build the live policy over the whole knowledge base and put every query to it.

    ``settings`` are the node's (``KEFU_BOT_*`` thresholds and triggers); by default as ``kefu serve``
    would read them. ``flows_dir``: the flow files (``*.yaml``, ``*.json``) whose triggers the live bot
    also has, so a question that starts a journey counts as one.
    """
    kb = load_kb(Path(kb_path))
    queries = load_queries(Path(queries_path))[:limit]
    flows = None
    if flows_dir is not None:
        files = sorted([*flows_dir.glob("*.yaml"), *flows_dir.glob("*.json")])
        flows = Library.of_sources([f.read_text(encoding="utf-8") for f in files])
    return Evaluation(kb, settings or Settings(), embedder=embedder, flows=flows).run(queries, progress)
