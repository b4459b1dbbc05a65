"""Reading a flow file: YAML or JSON text → a checked :class:`Flow`, or problems that name line and field.

A bad file never loads: every problem is reported at once (schema errors from pydantic, then references
between steps, slots and templates), each with the line of the field it is about, so an administrator
can fix the file in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from kefu.flows import template
from kefu.flows.model import Flow

MAX_SOURCE_CHARS = 200_000


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false. (YAML 1.1 reads ``on:``, ``yes`` and ``no`` as booleans,
    and ``on`` is a field of flow steps.)"""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_TYPE_TAG = re.compile(r"^(str|int|float|bool|list|dict|tuple|literal|function-\w+|union)(\[.*\])?$")

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a flow file."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "file"
        return f"{where}, {self.field or '(top)'}: {self.message}"


class FlowFileError(ValueError):
    """The file does not describe a valid flow; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _lines(node: yaml.Node, path: Path, out: dict[Path, int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key)
            out[(*path, name)] = key.start_mark.line + 1
            _lines(value, (*path, name), out)
            out[(*path, name)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _lines(item, (*path, index), out)


def _line_of(lines: dict[Path, int], path: Path) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _field(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def parse(text: str) -> Flow:
    """The flow ``text`` describes (YAML, or JSON which YAML reads too); raises :class:`FlowFileError`."""
    if len(text) > MAX_SOURCE_CHARS:
        raise FlowFileError([Problem(None, "", f"the file is longer than {MAX_SOURCE_CHARS} characters")])
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise FlowFileError([Problem(line, "", f"not valid YAML/JSON: {problem}")]) from None
    lines: dict[Path, int] = {}
    if node is not None:
        _lines(node, (), lines)
    if not isinstance(data, dict):
        raise FlowFileError([Problem(1, "", "a flow file is a mapping with key, name, slots and steps")])
    try:
        flow = Flow.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = tuple(p for p in error["loc"] if isinstance(p, str | int))
            path = _drop_union_tags(path, data)
            problems.append(Problem(_line_of(lines, path), _field(path), _message(error)))
        raise FlowFileError(_unique(problems)) from None
    problems = [Problem(_line_of(lines, path), _field(path), message) for path, message in _references(flow)]
    if problems:
        raise FlowFileError(problems)
    return flow


def _message(error: Any) -> str:
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[int | None, str]] = set()
    out = []
    for problem in problems:
        if (problem.line, problem.field) not in seen:
            seen.add((problem.line, problem.field))
            out.append(problem)
    return out


def _drop_union_tags(path: Path, data: Any) -> Path:
    """Pydantic adds the union member's name (``str``, ``dict[...]``) to error paths: keep only real keys."""
    out: list[str | int] = []
    node = data
    for part in path:
        present = isinstance(node, dict) and part in node
        if present or (isinstance(node, list) and isinstance(part, int) and part < len(node)):
            out.append(part)
            node = node[part]
        elif isinstance(part, str) and _TYPE_TAG.match(part):
            continue  # pydantic names the union member it tried: not a field
        elif isinstance(node, dict | list):
            out.append(part)  # a missing field: name it
            node = None
    return tuple(out)


def _references(flow: Flow) -> Iterator[tuple[Path, str]]:  # noqa: PLR0912 (one check per field)
    """Cross-field checks: unique ids, existing targets and slots, templates that compile."""
    ids: dict[str, int] = {}
    for index, step in enumerate(flow.steps):
        if step.id in ids:
            yield ("steps", index, "id"), f"step id {step.id!r} is used twice"
        ids[step.id] = index

    def target(path: Path, name: str | None) -> Iterator[tuple[Path, str]]:
        if name is not None and name not in ids:
            yield path, f"no step is called {name!r}"

    for index, step in enumerate(flow.steps):
        at: Path = ("steps", index)
        yield from target((*at, "next"), step.next)
        yield from target((*at, "on_fail"), step.on_fail)
        for outcome, name in step.on.items():
            yield from target((*at, "on", outcome), name)
        for i, choice in enumerate(step.choose or []):
            yield from target((*at, "choose", i, "next"), choice.next)
        for i, choice in enumerate(step.also):
            yield from target((*at, "also", i, "next"), choice.next)
        if step.options is not None:
            problem = template.check_expression(step.options)
            if problem:
                yield (*at, "options"), problem
        for name in step.forget:
            if name not in flow.slots:
                yield (*at, "forget"), f"no slot is called {name!r}"
        for i, case in enumerate(step.branch or []):
            yield from target((*at, "branch", i, "next"), case.next)
            if case.when is not None:
                problem = template.check_expression(case.when)
                if problem:
                    yield (*at, "branch", i, "when"), problem
        if step.collect is not None and step.collect not in flow.slots:
            yield (*at, "collect"), f"no slot is called {step.collect!r}"
        for key, value in step.params.items():
            problem = template.check_template(value)
            if problem:
                yield (*at, "params", key), problem
        for text in _texts(step.say, step.retry):
            problem = template.check_template(text)
            if problem:
                yield (*at, "say"), problem
        if step.kind == "say" and step.next is None and flow.after(step.id) is None:
            yield at, "the last step must end the flow (end or handover), or say where to go next"
        if step.kind == "collect" and step.say is None:
            yield at, "a collect step needs say (the question to ask)"
    for name, slot in flow.slots.items():
        if slot.lookup is not None:
            for key, value in slot.lookup.params.items():
                problem = template.check_template(value)
                if problem:
                    yield ("slots", name, "lookup", "params", key), problem


def _texts(*values: object) -> Iterator[str]:
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from (v for v in value.values() if isinstance(v, str))
