"""Slot types: values found in what customers write, and checked."""

from __future__ import annotations

from datetime import date

import pytest

from kefu.flows.model import Slot
from kefu.flows.slots import check, extract, id_card_ok, luhn_ok, prefill

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("order_no", "订单 202612010001 一直没到账", "202612010001"),
        ("order_no", "我的手机 13800138000", None),  # 11 digits is a phone, not an order
        ("phone", "我的手机号是138-0013-8000", "13800138000"),
        ("phone", "+86 139 0013 9000", "13900139000"),
        ("phone", "12345678901", None),
        ("email", "邮箱 li.lei@example.com 谢谢", "li.lei@example.com"),
        ("phone_or_email", "li@example.cn", "li@example.cn"),
        ("phone_or_email", "13800138000", "13800138000"),
        ("tx_hash", "哈希 0x" + "ab" * 32 + " 还没到", "0x" + "ab" * 32),
        ("tx_hash", "0x" + "ab" * 31, None),
        ("code", "验证码 482913", "482913"),
        ("date", "2026年3月5日买的", "2026-03-05"),
        ("date", "2026/11/30", "2026-11-30"),
        ("date", "20260102", "2026-01-02"),
        ("date", "2026-02-30", None),
    ],
)
def test_extract(kind: str, text: str, value: str | None) -> None:
    assert extract(Slot(type=kind), text) == value  # type: ignore[arg-type]


def test_checksums() -> None:
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")
    assert id_card_ok("11010519491231002X")
    assert not id_card_ok("110105194912310021")
    assert check(Slot(type="bank_card"), "卡号 4111 1111 1111 1112", TODAY).problem == "checksum"
    assert check(Slot(type="bank_card"), "4111-1111-1111-1111", TODAY).value == "4111111111111111"
    assert check(Slot(type="id_card"), "11010519491231002x", TODAY).value == "11010519491231002x"


def test_date_ranges() -> None:
    slot = Slot(type="date", min_date="-2y", max_date="today")
    assert check(slot, "2026-12-03", TODAY).problem == "too_late"
    assert check(slot, "2024-12-01", TODAY).problem == "too_early"
    assert check(slot, "2025-06-01", TODAY).value == "2025-06-01"


def test_choices_by_label_number_or_contained_word() -> None:
    slot = Slot(type="choice", choices=["K1 Pro", "K2", "K2 Max"])
    assert check(slot, "2", TODAY).value == "K2"
    assert check(slot, "k2 max", TODAY).value == "K2 Max"
    assert check(slot, "我的是K2 Max", TODAY).value == "K2 Max"
    assert check(slot, "K9", TODAY).problem == "format"


def test_a_pattern_replaces_the_type() -> None:
    slot = Slot(type="text", pattern=r"(R\d{11})")
    assert check(slot, "维修单 R20261125001", TODAY).value == "R20261125001"
    assert check(slot, "不知道", TODAY).problem == "format"


def test_prefill_never_takes_secrets_or_free_text() -> None:
    assert prefill(Slot(type="code"), "验证码 123456", TODAY) is None
    assert prefill(Slot(type="text"), "随便什么", TODAY) is None
    assert prefill(Slot(type="bank_card", sensitive=True), "4111111111111111", TODAY) is None
    assert prefill(Slot(type="order_no"), "订单 202612010001 一直没到账", TODAY) == "202612010001"
