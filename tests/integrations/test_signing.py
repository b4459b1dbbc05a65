"""The signature: what kefu sends verifies with the contract's code, and nothing else does."""

from __future__ import annotations

import hashlib
import hmac
import inspect
import re
from pathlib import Path
from typing import Any

from kefu.integrations import signing
from kefu.integrations.signing import sign, verify

DOC = Path(__file__).parents[2] / "docs" / "integrations.md"
BODY = b'{"action":"find_order","params":{"order_no":"1"}}'


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    expected = hmac.new(b"s3cret-s3cret-s3cret", b"1764000000." + BODY, hashlib.sha256).hexdigest()
    assert sign("s3cret-s3cret-s3cret", 1764000000, BODY) == f"sha256={expected}"


def test_verify_accepts_kefus_signature_and_refuses_changes() -> None:
    signature = sign("secret-of-the-company", 1764000000, BODY)
    assert verify("secret-of-the-company", "1764000000", BODY, signature, now=1764000100)
    assert not verify("another-secret-entirely", "1764000000", BODY, signature, now=1764000100)
    assert not verify("secret-of-the-company", "1764000000", BODY + b" ", signature, now=1764000100)
    assert not verify("secret-of-the-company", "1764000001", BODY, signature, now=1764000100)
    assert not verify("secret-of-the-company", "1764000000", BODY, signature.upper(), now=1764000100)
    assert not verify("secret-of-the-company", "nope", BODY, signature, now=1764000100)


def test_old_or_future_timestamps_are_refused() -> None:
    signature = sign("secret-of-the-company", 1764000000, BODY)
    assert not verify("secret-of-the-company", "1764000000", BODY, signature, now=1764000301)
    assert not verify("secret-of-the-company", "1764000000", BODY, signature, now=1763999699)


def test_the_documented_example_is_kefus_own_code_and_runs_standalone() -> None:
    text = DOC.read_text(encoding="utf-8")
    for function in (signing.sign, signing.verify):
        assert inspect.getsource(function) in text
    block = re.search(r"<!-- verify-example -->\s*```python\n(.*?)```", text, re.DOTALL)
    assert block is not None
    namespace: dict[str, Any] = {}
    exec(compile(block.group(1), str(DOC), "exec"), namespace)
    signature = sign("secret-of-the-company", 1764000000, BODY)
    assert namespace["verify"]("secret-of-the-company", "1764000000", BODY, signature, now=1764000001)
    assert not namespace["verify"]("secret-of-the-company", "1764000000", BODY + b"x", signature, now=1764000001)
