"""Texts and conditions in flow files: Jinja2 in its sandbox, over slots and results.

``{{ slots.order_no }}`` in a message or a parameter, ``results.order.payment_state ==
'debited_not_credited'`` in a branch. The sandbox refuses attribute tricks, so an administrator's file
can read what the flow knows and nothing else; sensitive slots render masked in messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

_ENV = ImmutableSandboxedEnvironment(autoescape=False, undefined=Undefined)
_STRICT = ImmutableSandboxedEnvironment(autoescape=False, undefined=StrictUndefined)


def mask(value: object) -> str:
    """A sensitive value as the agent and the transcript may see it: its last four characters at most."""
    text = str(value or "")
    return "•" * len(text) if len(text) <= 8 else "•" * (len(text) - 4) + text[-4:]


for env in (_ENV, _STRICT):
    env.filters["mask"] = mask


@lru_cache(maxsize=2048)
def _compiled(text: str) -> Any:
    return _ENV.from_string(text)


@lru_cache(maxsize=1024)
def _expression(text: str) -> Any:
    return _ENV.compile_expression(text, undefined_to_none=True)


def check_template(text: str) -> str | None:
    """Why ``text`` is not a valid template, or None."""
    try:
        _compiled(text)
    except TemplateError as exc:
        return f"template error: {exc}"
    return None


def check_expression(text: str) -> str | None:
    """Why ``text`` is not a valid condition, or None."""
    try:
        _expression(text)
    except TemplateError as exc:
        return f"condition error: {exc}"
    return None


def render(text: str, values: Mapping[str, Any]) -> str:
    """``text`` with ``values`` filled in (a missing value renders empty)."""
    try:
        return str(_compiled(text).render(**values))
    except TemplateError:
        return text


def value(expression: str, values: Mapping[str, Any]) -> Any:
    """The value of an expression (None when it cannot be computed)."""
    try:
        return _expression(expression)(**values)
    except (TemplateError, TypeError, ValueError):
        return None


def holds(expression: str, values: Mapping[str, Any]) -> bool:
    """Whether the condition holds (an error, e.g. comparing missing values, counts as false)."""
    try:
        return bool(_expression(expression)(**values))
    except (TemplateError, TypeError, ValueError):
        return False
