"""Flow files: the schema, and problems reported with their line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from kefu.flows.source import FlowFileError, parse

DEMO = Path(__file__).parents[2] / "src" / "kefu" / "demo_data" / "flows"

GOOD = """\
key: greet
name: {zh-CN: 问候, en: Greeting}
slots:
  phone: {type: phone}
steps:
  - id: ask
    collect: phone
    say: 请输入手机号
  - id: check
    call: find_user
    params: {phone: "{{ slots.phone }}"}
    on: {not_found: nobody}
  - id: done
    end: resolved
    say: 好的
  - id: nobody
    handover: {group: 账号安全}
"""


def _problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(FlowFileError) as caught:
        parse(text)
    return [(p.line, p.field) for p in caught.value.problems]


def test_a_good_file_parses_and_on_is_not_a_boolean() -> None:
    flow = parse(GOOD)
    assert flow.step("check").on == {"not_found": "nobody"}
    assert [s.kind for s in flow.steps] == ["collect", "call", "end", "handover"]


@pytest.mark.parametrize("path", sorted(DEMO.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_demo_journeys_parse(path: Path) -> None:
    flow = parse(path.read_text(encoding="utf-8"))
    assert flow.triggers.menu is not None


def test_json_is_accepted() -> None:
    flow = parse('{"key": "j", "name": "J", "steps": [{"id": "a", "end": "resolved"}]}')
    assert flow.key == "j"


def test_an_unknown_field_is_named_with_its_line() -> None:
    assert _problems(GOOD.replace("    collect: phone", "    colect: phone")) == [(7, "steps[0].colect")]


def test_a_missing_step_target_is_named_with_its_line() -> None:
    assert _problems(GOOD.replace("{not_found: nobody}", "{not_found: nowhere}")) == [(12, "steps[1].on.not_found")]


def test_a_bad_slot_type_and_a_bad_pattern() -> None:
    text = GOOD.replace("phone: {type: phone}", "phone: {type: telephone, pattern: '(['}")
    problems = _problems(text)
    assert all(line == 4 for line, _ in problems)
    assert {field for _, field in problems} == {"slots.phone.type", "slots.phone.pattern"}


def test_a_step_doing_two_things_is_refused() -> None:
    text = GOOD.replace("    end: resolved\n", "    end: resolved\n    collect: phone\n")
    assert _problems(text) == [(13, "steps[2]")]


def test_broken_yaml_names_its_line() -> None:
    problems = _problems(GOOD.replace("  - id: done", "  - id: [done"))
    assert problems[0][0] is not None
    assert problems[0][0] >= 13


def test_a_password_slot_is_refused() -> None:
    text = GOOD.replace("  phone: {type: phone}", "  phone: {type: phone}\n  password: {type: text}")
    assert _problems(text) == [(3, "slots")]


def test_templates_and_conditions_must_compile() -> None:
    text = GOOD.replace('"{{ slots.phone }}"', '"{{ slots.phone "')
    assert _problems(text) == [(11, "steps[1].params.phone")]


def test_a_last_message_step_must_end_or_go_somewhere() -> None:
    text = "key: k\nname: K\nsteps:\n  - id: a\n    say: hi\n"
    assert _problems(text) == [(4, "steps[0]")]


def test_not_a_mapping() -> None:
    assert _problems("- a\n- b\n") == [(1, "")]
