"""Bot retrieval accuracy on an exported FAQ benchmark (``kb.jsonl`` + ``queries-valid.jsonl``).

    python bench/bot_accuracy.py --data /work/iqa [--limit N] [--calibrate] [--embeddings CACHE.npz]

Prints figures as it goes and ends with one JSON line. ``--calibrate`` also fits the
confidence curve (logistic regression of "top hit is right" on the fused top score and the
margin to the runner-up) and prints threshold trade-offs, which is how the defaults in
``RankerSettings`` and ``Thresholds`` were chosen. The data is research-only: never commit it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from kefu.bot.decision import Thresholds, decide
from kefu.bot.embeddings import load_embedder
from kefu.bot.evaluation import evaluate_retriever, load_kb, load_queries
from kefu.bot.retrieval import RankerSettings, Retriever
from kefu.bot.tokenizer import Tokenizer


def _calibrate(retriever: Retriever, queries: list, expected: list[set[str]]) -> None:  # type: ignore[type-arg]
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
    docs = load_kb(args.data / "kb.jsonl")
    queries = load_queries(args.data / f"queries-{args.split}.jsonl")[: args.limit]
    print(f"loaded {len(docs)} entries, {len(queries)} queries in {time.perf_counter() - started:.1f}s")
    settings = RankerSettings()
    embedder = None
    if args.embeddings:
        embedder = load_embedder(cache_file=args.embeddings)
        if embedder is None:
            parser.error("--embeddings needs the extra: pip install -e '.[embeddings]'")
    retriever = Retriever.build(docs, Tokenizer(), settings, embedder)
    print(f"index built in {retriever.build_seconds:.1f}s", flush=True)
    tuning = ", ".join(f"{scale:g}: {mrr:.3f}" for scale, mrr in retriever.tuning.items())
    print(f"question fields scale {retriever.question_scale:g} (held-out questions' MRR@10 by scale: {tuning})")

    def progress(done: int, total: int) -> None:
        if done % 250 == 0 or done == total:
            print(f"  {done}/{total} queries", flush=True)

    report = evaluate_retriever(retriever, queries, thresholds=Thresholds(), progress=progress)
    print(
        f"P@1 {report.p_at_1:.4f}  MRR@10 {report.mrr_at_10:.4f}  Recall@5 {report.recall_at_5:.4f}\n"
        f"answer {report.answer_share:.3f} (precision {report.answer_precision:.3f})  "
        f"clarify {report.clarify_share:.3f}  decline {report.decline_share:.3f}\n"
        f"latency p50 {report.latency_p50_ms:.2f} ms  p99 {report.latency_p99_ms:.2f} ms"
    )
    if args.calibrate:
        _calibrate(retriever, queries, [set(q.expected) for q in queries])
    _ = decide  # the decision step is exercised inside evaluate_retriever
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
