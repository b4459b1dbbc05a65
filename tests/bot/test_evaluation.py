"""The evaluation puts queries to the live policy and reports what that policy did."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kefu.bot.evaluation import Evaluation, decision_of, evaluate, load_kb, load_queries
from kefu.bot.live import build_policy
from kefu.bot.policy import Reply, State, Turn
from kefu.config import Settings

KB = [
    {"id": "r1", "answer": "在订单页点击申请退款，3到5天到账。", "questions": ["怎么退款", "退款多久到账"]},
    {"id": "r2", "answer": "在发票页面申请电子发票。", "questions": ["发票怎么开"]},
    {"id": "r3", "answer": "快递一般2到3天送达。", "questions": []},
    {"id": "r4", "answer": "银行卡解绑请联系人工客服核验身份。", "questions": ["银行卡怎么解绑"], "handover": True},
    {"id": "r5", "answer": "双十一活动已结束。", "questions": ["双十一活动怎么参加"], "enabled": False},
    {"id": "r6", "answer": "春节期间暂停发货。", "questions": ["春节发货吗"], "valid_until": "2001-01-01T00:00:00"},
]


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(data_dir=tmp_path, bot_embeddings=False, **overrides)  # type: ignore[arg-type]


def test_load_kb_numbers_entries_and_keeps_the_files_ids(tmp_path: Path) -> None:
    kb = load_kb(_write(tmp_path / "kb.jsonl", KB))
    assert [e.id for e in kb.entries] == [1, 2, 3, 4, 5, 6]
    assert kb.file_ids[1] == "r1"
    first, _, third, fourth, fifth, sixth = kb.entries
    assert (first.question, first.similar) == ("怎么退款", ["退款多久到账"])
    assert (third.question, third.similar) == ("", [])
    assert fourth.handover
    assert not fifth.enabled
    assert sixth.valid_until is not None
    assert sixth.valid_until.tzinfo is not None


def test_evaluate_small_files(tmp_path: Path) -> None:
    kb = _write(tmp_path / "kb.jsonl", KB)
    queries = _write(
        tmp_path / "queries.jsonl",
        [
            {"query": "退款几天到账", "expected": ["r1"], "pool": ["r2"]},
            {"query": "开发票", "expected": ["r2"]},
            {"query": "快递几天送达", "expected": ["r3"]},
            {"query": "天气", "expected": ["r1"]},
        ],
    )
    assert len(load_queries(queries)) == 4
    seen: list[tuple[int, int]] = []
    report = evaluate(
        kb, queries, settings=_settings(tmp_path), progress=lambda done, total: seen.append((done, total))
    )
    assert seen[-1] == (4, 4)
    assert report.queries == 4
    assert report.entries == 4  # the disabled and the expired entry are not indexed, as in the live bot
    assert report.p_at_1 == 0.75
    assert 0.75 <= report.mrr_at_10 <= 1.0
    assert report.recall_at_5 >= 0.75
    shares = (report.answer_share, report.clarify_share, report.decline_share, report.handover_share)
    assert abs(sum(shares) + report.smalltalk_share - 1.0) < 1e-9
    assert report.latency_p99_ms >= report.latency_p50_ms > 0
    assert report.build_seconds > 0
    assert report.as_dict()["p_at_1"] == 0.75


def test_each_query_gets_the_turn_the_live_policy_gives(tmp_path: Path) -> None:
    kb = load_kb(_write(tmp_path / "kb.jsonl", KB))
    settings = _settings(tmp_path)
    evaluation = Evaluation(kb, settings)
    live = build_policy(settings, kb.entries, datetime.now(UTC))
    for text in ("退款几天到账", "发票", "银行卡解绑", "转人工", "垃圾客服骗子", "你好", "量子力学是什么"):
        turn = live.respond(text, State())
        outcome = evaluation.ask(text)
        assert outcome.decision == decision_of(turn), text
        assert outcome.handover == turn.handover, text
        assert outcome.ranked == [kb.file_ids[m.entry.id] for m in turn.ranked], text
    assert evaluation.ask("银行卡怎么解绑").handover == "sensitive_topic"
    assert evaluation.ask("转人工").decision == "handover"
    assert evaluation.ask("你好").decision == "smalltalk"


def test_thresholds_and_triggers_come_from_the_settings(tmp_path: Path) -> None:
    kb = load_kb(_write(tmp_path / "kb.jsonl", KB))
    assert Evaluation(kb, _settings(tmp_path)).ask("怎么退款").decision == "answer"
    strict = Evaluation(kb, _settings(tmp_path, bot_answer_threshold=1.0, bot_clarify_threshold=0.0))
    assert strict.ask("退款几天到账").decision == "clarify"
    no_request = Evaluation(kb, _settings(tmp_path, bot_handover_on_request=False))
    assert no_request.ask("转人工").decision == "decline"
    impatient = Evaluation(kb, _settings(tmp_path, bot_max_failures=1))
    assert impatient.ask("量子力学是什么").decision == "handover"


def test_a_turn_of_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        decision_of(Turn([Reply("…", {"kind": "mystery"})]))
