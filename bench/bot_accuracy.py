"""The live bot's accuracy on an exported FAQ benchmark (``kb.jsonl`` + ``queries-valid.jsonl``).

    python bench/bot_accuracy.py --data /work/iqa [--limit N] [--calibrate] [--embeddings CACHE.npz]

Every query is put to the policy ``BotService`` answers customers with (``kefu.bot.live``; thresholds
and triggers from ``KEFU_BOT_*`` as for ``kefu serve``), as the first message of a new conversation.
Prints figures as it goes and ends with one JSON line. ``--calibrate`` also fits the ranker's
confidence curve (logistic regression of "top hit is right" on the fused top score and the margin to
the runner-up) and prints threshold trade-offs, which is how the defaults in ``RankerSettings`` were
chosen. The data is research-only: never commit it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from kefu.bot.embeddings import load_embedder
from kefu.bot.evaluation import Evaluation, load_kb, load_queries
from kefu.bot.retrieval import Retriever
from kefu.config import Settings


def _calibrate(retriever: Retriever, queries: list, expected: list[set[str]]) -> None:  # type: ignore[type-arg]
    """``expected`` holds the bot's entry ids (as the retriever's doc ids), not the file's."""
    feats, labels, confs = [], [], []
    for item, gold in zip(queries, expected, strict=True):
        scores = retriever.fused(item.query)
        top2 = np.sort(np.partition(scores, len(scores) - 2)[-2:])[::-1]
        best = int(np.argmax(scores))
        feats.append([top2[0], top2[0] - top2[1], 1.0])
        labels.append(1.0 if retriever.doc_ids[best] in gold else 0.0)
    x, y = np.asarray(feats), np.asarray(labels)
    w = np.zeros(3)
    for _ in range(50):  # Newton steps of logistic regression
        p = 1 / (1 + np.exp(-x @ w))
        grad = x.T @ (p - y)
        hess = (x * (p * (1 - p))[:, None]).T @ x + 1e-6 * np.eye(3)
        w -= np.linalg.solve(hess, grad)
    print(f"calibration: conf_scale={w[0]:.3f} conf_margin={w[1]:.3f} conf_bias={w[2]:.3f}")
    confs = 1 / (1 + np.exp(-x @ w))
    for t in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        sel = confs >= t
        prec = float(y[sel].mean()) if sel.any() else 0.0
        print(f"  confidence >= {t:.1f}: share {sel.mean():.3f}, P@1 among them {prec:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with kb.jsonl and queries-valid.jsonl")
    parser.add_argument("--split", default="valid")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument(
        "--embeddings",
        type=Path,
        metavar="CACHE.npz",
        help="fuse the dense embeddings extra; answer vectors are cached in this file (embedding 27k takes a while)",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    kb = load_kb(args.data / "kb.jsonl")
    queries = load_queries(args.data / f"queries-{args.split}.jsonl")[: args.limit]
    print(f"loaded {len(kb.entries)} entries, {len(queries)} queries in {time.perf_counter() - started:.1f}s")
    embedder = None
    if args.embeddings:
        embedder = load_embedder(cache_file=args.embeddings)
        if embedder is None:
            parser.error("--embeddings needs the extra: pip install -e '.[embeddings]'")
    evaluation = Evaluation(kb, Settings(), embedder=embedder)
    retriever = evaluation.policy.index.retriever
    assert retriever is not None, "no active entries"
    print(f"live policy built in {evaluation.build_seconds:.1f}s", flush=True)
    tuning = ", ".join(f"{scale:g}: {mrr:.3f}" for scale, mrr in retriever.tuning.items())
    print(f"question fields scale {retriever.question_scale:g} (held-out questions' MRR@10 by scale: {tuning})")

    def progress(done: int, total: int) -> None:
        if done % 250 == 0 or done == total:
            print(f"  {done}/{total} queries", flush=True)

    report = evaluation.run(queries, progress=progress)
    print(
        f"P@1 {report.p_at_1:.4f}  MRR@10 {report.mrr_at_10:.4f}  Recall@5 {report.recall_at_5:.4f}\n"
        f"answer {report.answer_share:.3f} (precision {report.answer_precision:.3f})  "
        f"clarify {report.clarify_share:.3f}  decline {report.decline_share:.3f}  "
        f"hand-over {report.handover_share:.3f}  small talk {report.smalltalk_share:.3f}  "
        f"(handed over for any reason {report.handed_over_share:.3f})\n"
        f"latency per turn p50 {report.latency_p50_ms:.2f} ms  p99 {report.latency_p99_ms:.2f} ms"
    )
    if args.calibrate:
        bot_ids = {file_id: str(entry_id) for entry_id, file_id in kb.file_ids.items()}
        _calibrate(retriever, queries, [{bot_ids[e] for e in q.expected if e in bot_ids} for q in queries])
    result = {
        "bench": "bot_accuracy",
        "split": args.split,
        "question_scale": retriever.question_scale,
        "embeddings": embedder is not None,
        **report.as_dict(),
    }
    result.pop("extra", None)
    print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
