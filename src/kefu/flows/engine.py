"""The flow engine: runs a flow's steps for one turn, from a start or a customer's answer.

Pure but for ``call``: the company's system is reached through the caller it is given, so tests and
the console's simulator run the same engine as customers do. The engine never stores anything; the
runtime persists the returned state with the turn's messages in one transaction. Idempotency keys
derive from the run, step and visit, so a turn retried after a crash sends the same keys and the
company's system does nothing twice.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kefu.bot.normalize import normalize
from kefu.flows import slots as slot_types
from kefu.flows import template
from kefu.flows.model import Choice, Flow, Handover, LocalText, Slot, Step
from kefu.flows.state import Progress, RunState, Said
from kefu.texts import ZH, TextBook

MAX_STEPS_PER_TURN = 60
CORRECTION = re.compile(
    r"不对|错了|改成|改为|换成|应该是|不是这个|重新|写错|输错|\b(wrong|actually|instead|change)\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class CallResult:
    """What the company's system answered an action (see ``kefu.integrations``)."""

    outcome: str  # ok, not_found, refused, unavailable
    data: dict[str, Any] = field(default_factory=dict)
    message: str | None = None
    backend_ms: float = 0.0


Caller = Callable[[str, dict[str, str], str], Awaitable[CallResult]]


def pick(text: LocalText | None, locale: str) -> str:
    """A flow text in ``locale`` (else Chinese, else whatever the file has)."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(locale) or text.get(ZH) or next(iter(text.values()), "")  # type: ignore[call-overload]


class Engine:
    """Runs one flow for one run; a new engine per turn is cheap."""

    def __init__(
        self,
        flow: Flow,
        *,
        run_id: int,
        caller: Caller,
        texts: TextBook,
        locale: str,
        channel: str,
        today: date,
    ) -> None:
        self.flow = flow
        self.run_id = run_id
        self.caller = caller
        self.texts = texts
        self.locale = locale
        self.channel = channel
        self.today = today

    # ---- values for templates -------------------------------------------------------------------
    def values(self, state: RunState, *, clear: bool) -> dict[str, Any]:
        """What templates see: slots (sensitive ones masked unless ``clear``) and results."""
        shown = {
            name: (value if clear or not self._slot(name).is_sensitive else template.mask(value))
            for name, value in state.slots.items()
        }
        return {"slots": shown, "results": state.results, "locale": self.locale}

    def _slot(self, name: str) -> Slot:
        return self.flow.slots.get(name) or Slot()

    def _text(self, value: LocalText | None, state: RunState) -> str:
        return template.render(pick(value, self.locale), self.values(state, clear=False)).strip()

    def _say(self, code: str, **params: str | int) -> Said:
        text = self.texts.render(code, self.locale, self.channel, **params)
        return Said(text, {"kind": "flow", "flow": self.flow.key, "text_code": code, "text_params": params})

    def _meta(self, step: Step, **extra: Any) -> dict[str, Any]:
        return {"kind": "flow", "flow": self.flow.key, "step": step.id, **extra}

    @property
    def name(self) -> str:
        """The flow's name in the conversation's language."""
        return pick(self.flow.name, self.locale)

    # ---- entry points -----------------------------------------------------------------------------
    async def start(self, text: str, earlier: Sequence[str] = ()) -> Progress:
        """Begin the flow; slots whose values ``text`` (else the customer's ``earlier`` messages, newest
        first) already hold are filled."""
        state = RunState(step=self.flow.steps[0].id)
        for name, slot in self.flow.slots.items():
            if slot.lookup is not None:
                continue
            for said in (text, *earlier):
                value = slot_types.prefill(slot, said, self.today)
                if value is not None:
                    state.slots[name] = value
                    break
        return await self._run(state, [])

    def fits(self, state: RunState, text: str) -> bool:
        """Whether ``text`` answers the step the run waits at (else it may be a question or a change)."""
        step = self.flow.step(state.step)
        if step.choose is not None:
            return self._choice(step.choose, text) is not None
        if step.collect is not None:
            if step.also and self._choice(step.also, text) is not None:
                return True
            slot = self._slot(step.collect)
            if slot.type == "text" and not slot.choices and slot.pattern is None:
                return True
            return slot_types.extract(slot, text) is not None
        return False

    def is_button(self, state: RunState, text: str) -> bool:
        """Whether ``text`` is exactly the label of a button the waiting step offered."""
        if not state.waiting:
            return False
        step = self.flow.step(state.step)
        choices = [*(step.choose or []), *step.also]
        wanted = normalize(text, strip_punct=True).replace(" ", "")
        return any(
            normalize(label, strip_punct=True).replace(" ", "") == wanted
            for choice in choices
            for label in self._labels(choice.label)
        )

    async def answer(self, state: RunState, text: str) -> Progress:
        """The customer's answer at the step the run waits at."""
        said: list[Said] = []
        corrected = self._correction(state, text)
        if corrected is not None:
            said.append(self._say("flow.corrected"))
            return await self._run(corrected, said)
        step = self.flow.step(state.step)
        if step.choose is not None:
            choice = self._choice(step.choose, text)
            if choice is not None:
                if choice.value is not None:
                    state.slots[choice.value] = pick(choice.label, self.locale)
                return await self._goto(state, choice.next, said)
            return await self._invalid(state, step, "choice", said)
        if step.collect is None:
            return await self._run(state, said)  # not waiting for input: carry on
        extra = self._choice(step.also, text) if step.also else None
        if extra is not None:
            return await self._goto(state, extra.next, said)
        slot = self._slot(step.collect)
        checked = slot_types.check(slot, text, self.today)
        if checked.value is None:
            return await self._invalid(state, step, checked.problem or "format", said)
        if slot.lookup is not None:
            lookup = slot.lookup
            values = self.values(state, clear=True)
            values["slots"] = {**values["slots"], step.collect: checked.value}
            params = {k: template.render(v, values) for k, v in lookup.params.items()}
            key = f"kefu-flow-{self.run_id}-{step.id}-{state.visits.get(step.id, 0)}-{state.attempts}"
            result = await self.caller(lookup.call, params, key)
            progress_ms = result.backend_ms
            self._record(state, step, lookup.call, result)
            if result.outcome == "unavailable":
                return self._stop(state, said, "system_unavailable", backend_ms=progress_ms)
            if result.outcome != "ok":
                message = self._text(lookup.invalid, state) if lookup.invalid else None
                return await self._invalid(state, step, "lookup", said, message=message)
            state.results[lookup.save or step.collect] = {**result.data, "outcome": result.outcome}
        state.slots[step.collect] = checked.value
        state.attempts = 0
        return await self._goto(state, step.next or self.flow.after(step.id), said)

    def cancel(self, state: RunState) -> Progress:
        """The customer gave up the flow."""
        return Progress([self._say("flow.cancelled", flow=self.name)], state, "cancelled", "customer_cancelled")

    def expire(self, state: RunState) -> Progress:
        """The run sat idle too long."""
        return Progress([self._say("flow.expired", flow=self.name)], state, "expired", "expired")

    def hand_over(self, state: RunState, reason: str) -> Progress:
        """Stop and hand over (the customer asked for a person, or something went wrong)."""
        return self._stop(state, [], reason)

    def resume_prompt(self, state: RunState) -> list[Said]:
        """After answering a side question: say where we were and ask the step's question again."""
        step = self.flow.step(state.step)
        return [self._say("flow.resume", flow=self.name), *self._ask(step, state)]

    # ---- the step machine ---------------------------------------------------------------------------
    async def _goto(self, state: RunState, target: str | None, said: list[Said]) -> Progress:
        if target is None:
            return Progress(said, state, "resolved", "completed")
        state.step = target
        state.waiting = False
        state.attempts = 0
        return await self._run(state, said)

    async def _run(self, state: RunState, said: list[Said]) -> Progress:  # noqa: PLR0912 (one arm per step kind)
        backend_ms = 0.0
        for _ in range(MAX_STEPS_PER_TURN):
            step = self.flow.step(state.step)
            if state.waiting:
                return self._waiting(state, said, backend_ms)
            state.visits[step.id] = state.visits.get(step.id, 0) + 1
            for name in step.forget:
                state.slots.pop(name, None)
            kind = step.kind
            following = step.next or self.flow.after(step.id)
            if kind == "say":
                said.append(Said(self._text(step.say, state), self._meta(step)))
            elif kind == "collect":
                assert step.collect is not None
                if step.collect not in state.slots:
                    said.extend(self._ask(step, state))
                    state.waiting = True
                    return self._waiting(state, said, backend_ms)
            elif kind == "choose":
                said.extend(self._ask(step, state))
                state.waiting = True
                return self._waiting(state, said, backend_ms)
            elif kind == "call":
                assert step.call is not None
                params = {k: template.render(v, self.values(state, clear=True)) for k, v in step.params.items()}
                key = f"kefu-flow-{self.run_id}-{step.id}-{state.visits[step.id]}"
                result = await self.caller(step.call, params, key)
                backend_ms += result.backend_ms
                self._record(state, step, step.call, result)
                state.results[step.save or step.id] = {**result.data, "outcome": result.outcome}
                target = step.on.get(result.outcome)  # type: ignore[call-overload]
                if target is None and result.outcome != "ok":
                    reason = "system_unavailable" if result.outcome == "unavailable" else f"action_{result.outcome}"
                    return self._stop(state, said, reason, backend_ms=backend_ms)
                following = target or following
            elif kind == "branch":
                values = self.values(state, clear=False)
                assert step.branch is not None
                following = next(
                    (case.next for case in step.branch if case.when is None or template.holds(case.when, values)),
                    following,
                )
            elif kind == "handover":
                assert step.handover is not None
                said.append(
                    Said(self._text(step.say, state), self._meta(step))
                    if step.say is not None
                    else self._say("flow.handover")
                )
                return Progress(said, state, "handed_over", step.handover.reason, step.handover, backend_ms=backend_ms)
            elif kind == "end":
                if step.say is not None:
                    said.append(Said(self._text(step.say, state), self._meta(step)))
                elif step.end == "ticket":
                    said.append(self._say("flow.ticket"))
                reason = {"resolved": "completed", "cancelled": "flow_cancelled", "ticket": "ticket"}[str(step.end)]
                return Progress(said, state, str(step.end), reason, backend_ms=backend_ms)
            if following is None:
                return Progress(said, state, "resolved", "completed", backend_ms=backend_ms)
            state.step = following
            state.attempts = 0
        return self._stop(state, said, "flow_loop", backend_ms=backend_ms)

    def _waiting(self, state: RunState, said: list[Said], backend_ms: float) -> Progress:
        step = self.flow.step(state.step)
        secret = step.collect is not None and self._slot(step.collect).is_sensitive
        return Progress(said, state, secret_input=secret, backend_ms=backend_ms)

    def _ask(self, step: Step, state: RunState) -> list[Said]:
        extra: dict[str, Any] = {}
        if step.choose is not None:
            labels = [pick(c.label, self.locale) for c in step.choose]
            extra["buttons"] = [{"label": label, "send": label} for label in labels]
            extra["choices"] = labels
        elif step.collect is not None:
            slot = self._slot(step.collect)
            if slot.is_sensitive:
                extra["input"] = "secret"
            buttons = [{"label": c, "send": c} for c in slot.choices or []]
            buttons += self._options(step, state)
            buttons += [{"label": pick(c.label, self.locale), "send": pick(c.label, self.locale)} for c in step.also]
            if buttons:
                extra["buttons"] = buttons
                extra["choices"] = [b["label"] for b in buttons]
        return [Said(self._text(step.say, state), self._meta(step, **extra))]

    def _options(self, step: Step, state: RunState) -> list[dict[str, str]]:
        """Buttons made from what the company's system answered (e.g. the customer's recent orders)."""
        if step.options is None:
            return []
        values = self.values(state, clear=False)
        items = template.value(step.options, values)
        if not isinstance(items, list):
            return []
        buttons = []
        for item in items[:8]:
            scope = {**values, "item": item}
            label = template.render(step.option_label or "{{ item }}", scope).strip()
            send = template.render(step.option_value or step.option_label or "{{ item }}", scope).strip()
            if label and send:
                buttons.append({"label": label[:60], "send": send[:200]})
        return buttons

    async def _invalid(
        self, state: RunState, step: Step, problem: str, said: list[Said], *, message: str | None = None
    ) -> Progress:
        state.attempts += 1
        if state.attempts >= step.max_attempts:
            state.attempts = 0
            if step.on_fail is not None:
                state.waiting = False
                return await self._goto(state, step.on_fail, said)
            return self._stop(state, said, "too_many_attempts")
        if message:
            said.append(Said(message, self._meta(step)))
        elif step.retry is not None:
            said.append(Said(self._text(step.retry, state), self._meta(step)))
        else:
            slot = self._slot(step.collect) if step.collect else None
            custom = slot.invalid if slot is not None else None
            said.append(
                Said(self._text(custom, state), self._meta(step)) if custom else self._say(f"flow.retry.{problem}")
            )
        said.extend(self._ask(step, state))
        return self._waiting(state, said, 0.0)

    def _stop(self, state: RunState, said: list[Said], reason: str, *, backend_ms: float = 0.0) -> Progress:
        code = {
            "system_unavailable": "flow.unavailable",
            "too_many_attempts": "flow.too_many_attempts",
            "customer_request": "flow.handover",
        }.get(reason, "flow.handover")
        said.append(self._say(code))
        return Progress(said, state, "handed_over", reason, Handover(group=None), backend_ms=backend_ms)

    def _record(self, state: RunState, step: Step, action: str, result: CallResult) -> None:
        state.calls.append(
            {"step": step.id, "action": action, "outcome": result.outcome, "message": result.message or ""}
        )

    def _choice(self, choices: list[Choice], text: str) -> Choice | None:
        norm = normalize(text, strip_punct=True).replace(" ", "")
        if norm.isdigit() and 1 <= int(norm) <= len(choices):
            return choices[int(norm) - 1]
        scored: list[tuple[int, Choice]] = []
        for choice in choices:
            words = [*self._labels(choice.label), *choice.match, *([choice.value] if choice.value else [])]
            for word in words:
                w = normalize(word, strip_punct=True).replace(" ", "")
                if not w:
                    continue
                if w == norm:
                    return choice
                if w in norm:
                    scored.append((len(w), choice))
        return max(scored, key=lambda s: s[0])[1] if scored else None

    @staticmethod
    def _labels(label: LocalText) -> list[str]:
        return [label] if isinstance(label, str) else list(label.values())

    def _correction(self, state: RunState, text: str) -> RunState | None:
        """ "不对，订单号是 …": a new value for a slot already filled; the run goes back to just after it."""
        if not CORRECTION.search(text):
            return None
        for name, value in list(state.slots.items()):
            slot = self._slot(name)
            if slot.is_sensitive or slot.type in ("text", "number", "code", "choice"):
                continue
            found = slot_types.prefill(slot, text, self.today)
            if found is None or found == value:
                continue
            collector = next((s for s in self.flow.steps if s.collect == name), None)
            if collector is None:
                continue
            state.slots[name] = found
            state.step = collector.next or self.flow.after(collector.id) or collector.id
            state.waiting = False
            state.attempts = 0
            return state
        return None
