"""The schema of a flow file (YAML or JSON), as pydantic models.

A flow is data an administrator writes: what starts it (triggers), what it collects (slots, each
with a type, validation and re-prompts), and its steps. Each step does one thing, named by its one
kind key: ``collect`` a slot, ``call`` an action of the company's system, ``choose`` among buttons,
``branch`` on what is known, ``handover`` to a person, or ``end``; a step with only ``say`` sends a
message. ``say`` also words the prompt of ``collect``/``choose`` and the last message of
``handover``/``end``. Texts are a string or one per locale (``{zh-CN: …, en: …}``).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,47}$")]
ActionName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.]{0,63}$")]
LocalText = str | dict[Literal["zh-CN", "en"], str]
Outcome = Literal["ok", "not_found", "refused", "unavailable"]
SlotType = Literal[
    "text",
    "number",
    "phone",
    "email",
    "phone_or_email",
    "code",
    "order_no",
    "tx_hash",
    "date",
    "choice",
    "serial",
    "id_card",
    "bank_card",
]
# Types whose values are secret: never in the transcript, logs or the agent's view.
SENSITIVE_TYPES = frozenset({"code", "id_card", "bank_card"})
# A password is never asked for in chat: slots named like one are refused.
PASSWORD_NAME = re.compile(r"pass(word|wd)?|pwd|密码", re.IGNORECASE)
KINDS = ("collect", "call", "choose", "branch", "handover", "end")
StepKind = Literal["say", "collect", "call", "choose", "branch", "handover", "end"]


class Strict(BaseModel):
    """Unknown fields are errors: a typo in a flow file must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Lookup(Strict):
    """Validate a slot by asking the company's system: valid when the action answers ``ok``."""

    call: ActionName
    params: dict[str, str] = Field(default_factory=dict)
    save: Name | None = None
    invalid: LocalText | None = None


class Slot(Strict):
    """A value the flow collects."""

    type: SlotType = "text"
    label: LocalText | None = None
    sensitive: bool | None = None
    pattern: str | None = None
    choices: list[str] | None = None
    min_date: str | None = None  # "today", "-2y", "-30d" or YYYY-MM-DD
    max_date: str | None = None
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1, le=2000)
    lookup: Lookup | None = None
    prefill: bool = True  # fill from what the customer already said
    invalid: LocalText | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _choices_for_choice(self) -> Slot:
        if self.type == "choice" and not self.choices:
            raise ValueError("a choice slot needs choices")
        return self

    @property
    def is_sensitive(self) -> bool:
        """Sensitive by declaration, else by type."""
        return self.sensitive if self.sensitive is not None else self.type in SENSITIVE_TYPES


class Choice(Strict):
    """One button of a ``choose`` step."""

    label: LocalText
    value: Name | None = None
    match: list[str] = Field(default_factory=list)  # other words that pick it
    next: Name


class Case(Strict):
    """One arm of a ``branch``: ``when`` is an expression over slots and results; none means otherwise."""

    when: str | None = None
    next: Name


class Handover(Strict):
    """Hand the conversation to a person of ``group`` (a skill group's name), with the flow's summary."""

    group: str | None = None
    priority: Literal["normal", "high", "urgent"] = "normal"
    reason: Name = "flow"


class Menu(Strict):
    """The flow's button in the self-service menu of the welcome message."""

    label: LocalText
    order: int = 100


class Triggers(Strict):
    """What starts the flow."""

    keywords: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    entries: list[str] = Field(default_factory=list)  # knowledge-base questions whose match starts it
    menu: Menu | None = None

    @field_validator("patterns")
    @classmethod
    def _compile_all(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression {value!r}: {exc}") from exc
        return values


class TicketSpec(Strict):
    """What an ``end: ticket`` step files: the ticket's type (key or name, e.g. 报修) and priority."""

    type: str | None = Field(default=None, max_length=100)
    priority: Literal["low", "normal", "high", "urgent"] = "normal"


class Step(Strict):
    """One step; exactly one kind key (or only ``say``)."""

    id: Name
    say: LocalText | None = None
    collect: Name | None = None
    call: ActionName | None = None
    choose: list[Choice] | None = Field(default=None, min_length=1, max_length=10)
    branch: list[Case] | None = Field(default=None, min_length=1)
    handover: Handover | None = None
    end: Literal["resolved", "cancelled", "ticket"] | None = None
    ticket: TicketSpec | None = None  # with ``end: ticket``: the ticket's type and priority
    next: Name | None = None
    forget: list[Name] = Field(default_factory=list)  # slots to clear on entering (to ask again)
    # collect
    also: list[Choice] = Field(default_factory=list, max_length=6)  # extra buttons that lead elsewhere
    options: str | None = None  # an expression giving a list: one button per item (e.g. recent orders)
    option_label: str | None = None  # the button's text, a template over ``item``
    option_value: str | None = None  # what the button sends, a template over ``item``
    retry: LocalText | None = None
    max_attempts: int = Field(default=3, ge=1, le=10)
    on_fail: Name | None = None
    # call
    params: dict[str, str] = Field(default_factory=dict)
    save: Name | None = None
    on: dict[Outcome, Name] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_kind(self) -> Step:
        kinds = [k for k in KINDS if getattr(self, k) is not None]
        if len(kinds) > 1:
            raise ValueError(f"a step does one thing: it has {', '.join(kinds)}")
        if not kinds and self.say is None:
            raise ValueError(f"a step needs one of say, {', '.join(KINDS)}")
        if self.choose is not None and self.say is None:
            raise ValueError("a choose step needs say (the question)")
        if self.ticket is not None and self.end != "ticket":
            raise ValueError("ticket: goes with end: ticket")
        return self

    @property
    def kind(self) -> StepKind:
        """What the step does."""
        for kind in KINDS:
            if getattr(self, kind) is not None:
                return kind  # type: ignore[return-value]
        return "say"


class Flow(Strict):
    """A whole flow file."""

    key: Name
    name: LocalText
    description: LocalText | None = None
    expire_minutes: int = Field(default=30, ge=1, le=7 * 24 * 60)
    handover_group: str | None = None  # where hand-overs go unless a step names a group
    triggers: Triggers = Field(default_factory=Triggers)
    slots: dict[Name, Slot] = Field(default_factory=dict)
    steps: list[Step] = Field(min_length=1)

    @field_validator("slots")
    @classmethod
    def _no_passwords(cls, slots: dict[str, Slot]) -> dict[str, Slot]:
        for name in slots:
            if PASSWORD_NAME.search(name):
                raise ValueError(f"slot {name!r}: a password is never asked for in chat (send a reset link instead)")
        return slots

    def step(self, step_id: str) -> Step:
        """The step with ``step_id`` (it exists: references are checked when the file loads)."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def after(self, step_id: str) -> str | None:
        """The step that follows ``step_id`` in the file, if any."""
        ids = [s.id for s in self.steps]
        index = ids.index(step_id)
        return ids[index + 1] if index + 1 < len(ids) else None
