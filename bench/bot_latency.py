"""The live bot's speed: building its policy (the index) and one turn per message, on one core.

    python bench/bot_latency.py [--data DIR] [--entries 27413] [--queries 1000]

The policy is built as ``BotService`` builds it (``kefu.bot.live.build_policy``) and each query is
answered as the first message of a new conversation, so a turn includes what the customer waits for
besides the search (intent, anger, the question-match boost). Uses the exported benchmark in DIR
when present, otherwise a synthetic knowledge base of the same size. Prints figures as it goes and
ends with one JSON line.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from kefu.bot.entries import EntryView  # noqa: E402
from kefu.bot.evaluation import eval_entry, load_kb, load_queries  # noqa: E402
from kefu.bot.live import build_policy  # noqa: E402
from kefu.bot.policy import State  # noqa: E402
from kefu.config import Settings  # noqa: E402

_WORDS = [
    "保险",
    "理赔",
    "退款",
    "订单",
    "发票",
    "快递",
    "配送",
    "账户",
    "密码",
    "会员",
    "积分",
    "优惠券",
    "价格",
    "续费",
    "套餐",
    "合同",
    "保单",
    "受益人",
    "医疗",
    "汽车",
    "房屋",
    "财产",
    "人寿",
    "年金",
    "退休",
    "健康",
    "意外",
    "住院",
    "门诊",
    "药品",
    "报销",
    "申请",
    "审核",
    "到账",
    "工作日",
    "银行卡",
    "支付",
    "微信",
    "支付宝",
    "客服",
    "人工",
    "电话",
    "邮箱",
    "地址",
    "修改",
    "取消",
    "升级",
    "降级",
    "登录",
    "注册",
    "验证码",
    "手机",
    "身份证",
    "实名",
    "发货",
    "签收",
    "退货",
    "换货",
    "质量",
    "维修",
    "保修",
    "安装",
    "说明书",
    "尺寸",
    "颜色",
    "库存",
    "预售",
    "活动",
    "折扣",
    "满减",
    "运费",
    "包邮",
    "政策",
    "条款",
    "免赔",
    "额度",
    "保费",
    "缴费",
    "期限",
    "等待期",
    "既往症",
    "体检",
    "年龄",
    "职业",
    "家庭",
    "孩子",
    "父母",
    "老人",
    "公司",
    "雇主",
]
_GLUE = [
    "的",
    "了",
    "吗",
    "怎么",
    "如何",
    "可以",
    "需要",
    "是否",
    "什么",
    "多少",
    "为什么",
    "哪里",
    "是",
    "在",
    "有",
    "和",
]


def _sentence(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_WORDS) + (rng.choice(_GLUE) if rng.random() < 0.4 else "") for _ in range(n))


def synthetic_kb(n: int, seed: int = 7) -> tuple[list[EntryView], list[str]]:
    """``n`` random entries (questions, similar questions, ~150-character answers) and queries."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        questions = [_sentence(rng, rng.randint(3, 7)) + "?" for _ in range(rng.choice([0, 1, 1, 2]))]
        answer = "。".join(_sentence(rng, rng.randint(6, 14)) for _ in range(4))
        docs.append(eval_entry(i + 1, questions, answer))
    queries = [_sentence(rng, rng.randint(3, 8)) for _ in range(2000)]
    return docs, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--entries", type=int, default=27413)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    if args.data is not None and (args.data / "kb.jsonl").exists():
        docs = load_kb(args.data / "kb.jsonl").entries[: args.entries]
        queries = [q.query for q in load_queries(args.data / "queries-valid.jsonl")]
        source = str(args.data)
    else:
        docs, queries = synthetic_kb(args.entries)
        source = "synthetic"
    queries = queries[: args.queries]
    print(f"{len(docs)} entries ({source}), {len(queries)} queries, one core", flush=True)
    started, cpu_started = time.perf_counter(), time.process_time()
    policy = build_policy(Settings(), docs, datetime.now(UTC))
    build_seconds, build_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(f"build {build_seconds:.2f}s wall, {build_cpu:.2f}s CPU", flush=True)
    for query in queries[:20]:  # warm caches
        policy.respond(query, State())
    latencies = []
    cpu_latencies = []  # CPU time is what one core costs, even when other jobs share the machine
    for number, query in enumerate(queries, start=1):
        started, cpu_start = time.perf_counter(), time.process_time()
        policy.respond(query, State())
        latencies.append((time.perf_counter() - started) * 1000.0)
        cpu_latencies.append((time.process_time() - cpu_start) * 1000.0)
        if number % 250 == 0:
            print(f"  {number}: p50 {np.percentile(latencies, 50):.2f} ms p99 {np.percentile(latencies, 99):.2f} ms")
    result = {
        "bench": "bot_latency",
        "source": source,
        "entries": len(docs),
        "queries": len(queries),
        "build_seconds": round(build_seconds, 3),
        "build_cpu_seconds": round(build_cpu, 3),
        "latency_p50_ms": round(float(np.percentile(latencies, 50)), 3),
        "latency_p99_ms": round(float(np.percentile(latencies, 99)), 3),
        "latency_max_ms": round(float(np.max(latencies)), 3),
        "cpu_p50_ms": round(float(np.percentile(cpu_latencies, 50)), 3),
        "cpu_p99_ms": round(float(np.percentile(cpu_latencies, 99)), 3),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
