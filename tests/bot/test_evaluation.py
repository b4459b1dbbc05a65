import json

from kefu.bot.evaluation import evaluate, load_kb, load_queries


def _write(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")


def test_evaluate_small_files(tmp_path):
    kb = tmp_path / "kb.jsonl"
    queries = tmp_path / "queries.jsonl"
    _write(
        kb,
        [
            {"id": "1", "answer": "在订单页点击申请退款，3到5天到账。", "questions": ["怎么退款", "退款多久到账"]},
            {"id": "2", "answer": "在发票页面申请电子发票。", "questions": ["发票怎么开"]},
            {"id": "3", "answer": "快递一般2到3天送达。", "questions": []},
        ],
    )
    _write(
        queries,
        [
            {"query": "退款几天到账", "expected": ["1"], "pool": ["2"]},
            {"query": "开发票", "expected": ["2"]},
            {"query": "快递几天送达", "expected": ["3"]},
            {"query": "天气", "expected": ["1"]},
        ],
    )
    docs = load_kb(kb)
    assert docs[0].question == "怎么退款"
    assert docs[0].similar == ["退款多久到账"]
    assert docs[2].question == ""
    assert docs[2].similar == []
    assert len(load_queries(queries)) == 4
    seen = []
    report = evaluate(kb, queries, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (4, 4)
    assert report.queries == 4
    assert report.entries == 3
    assert report.p_at_1 == 0.75
    assert 0.75 <= report.mrr_at_10 <= 1.0
    assert report.recall_at_5 >= 0.75
    assert abs(report.answer_share + report.clarify_share + report.decline_share - 1.0) < 1e-9
    assert report.latency_p99_ms >= report.latency_p50_ms > 0
    assert report.build_seconds > 0
    assert report.as_dict()["p_at_1"] == 0.75
