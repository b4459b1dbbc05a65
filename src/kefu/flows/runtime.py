"""Flows in live conversations: start a flow, take the customer's answers, persist every turn.

The bot service calls :meth:`FlowRuntime.take` for each customer message in a conversation it holds:
a running flow takes it (its answer, or a cancel, a request for a person, a side question the bot
answers before asking again, another journey); otherwise the bot's policy may ask to start one.
Each turn is written in one transaction with its messages, so a flow survives a reconnect and a
restart; the engine is pure and reaches the company's system through the injected caller.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from kefu.bot.intents import Intent, classify
from kefu.bot.normalize import normalize
from kefu.bus import Delivery
from kefu.context import Context
from kefu.conversations import lifecycle
from kefu.conversations.actions import append_message
from kefu.conversations.status import Status
from kefu.conversations.views import scope_of
from kefu.events import Event, FlowsChanged
from kefu.flows import summary as summaries
from kefu.flows.engine import CallResult, Engine
from kefu.flows.library import Library
from kefu.flows.model import Flow
from kefu.flows.state import Progress, RunState, Said
from kefu.storage.repositories import conversations as conversation_repo
from kefu.storage.repositories import flows as flow_repo
from kefu.storage.repositories import users as user_repo
from kefu.storage.tables import Conversation, FlowRun
from kefu.storage.uow import UnitOfWork
from kefu.tickets import sources as ticket_sources

log = logging.getLogger(__name__)

CANCEL = re.compile(
    r"^(我要)?(取消|不办了|不用了|算了|退出|结束|不要了|先不办了|cancel|quit|stop|exit|never ?mind)(吧|了|啦|办理)?$"
)
PRIORITY = {"normal": 0, "high": 8, "urgent": 16}


@dataclass(frozen=True, slots=True)
class Customer:
    """Who the flow serves, as the company's system is told."""

    conversation_id: int
    customer_id: int
    locale: str
    channel: str


@dataclass(frozen=True, slots=True)
class TurnTiming:
    """How long one customer message's flow turn took, for benchmarks and monitoring.

    ``started`` and ``ended`` are ``time.perf_counter()`` readings: from when the bot took the customer's
    message (the event's arrival, when the bot service passes it; else the start of the turn) to just
    after the turn's messages were committed and their events published. ``backend_ms`` is the part spent
    waiting on the company's system (every action call of the turn), so ``ended - started`` minus it is
    kefu's own time. ``last_seq`` is the sequence number of the turn's last message (0 if it stored none).
    """

    conversation_id: int
    started: float
    ended: float
    backend_ms: float
    last_seq: int


# Told of every turn of a running or starting flow once it has committed (``FlowRuntime.observer``).
TurnObserver = Callable[[TurnTiming], None]
ActionCaller = Callable[[Context, str, dict[str, str], str, dict[str, Any]], Awaitable[CallResult]]
# The bot's answer to a side question asked in the middle of a flow: its messages, or None.
SideAnswer = Callable[[str], Awaitable[list[Said] | None]]


class _Spent:
    """The backend time of one turn, summed over its action calls (only while someone observes)."""

    __slots__ = ("ms",)

    def __init__(self) -> None:
        self.ms = 0.0


class FlowRuntime:
    """One per node: the flow library and the turns of running flows.

    ``observer``, when set (``bench/flows.py`` sets it), is called with a :class:`TurnTiming` after each
    turn that :meth:`begin` or :meth:`take` committed; it must be quick and must not raise. None (the
    default) costs nothing.
    """

    def __init__(self, ctx: Context, caller: ActionCaller) -> None:
        self.ctx = ctx
        self.caller = caller
        self.library = Library()
        self.observer: TurnObserver | None = None
        self._expiry: asyncio.Task[None] | None = None

    async def start(self) -> Callable[[], None]:
        """Load the published flows and keep them current; expire idle runs."""
        await self.library.load(self.ctx)
        stop = self.ctx.bus.subscribe(self._on_event, Delivery.EVERY_NODE)
        if self.ctx.settings.flow_expiry_seconds > 0:
            self._expiry = asyncio.create_task(self._expire_loop())

        def unsubscribe() -> None:
            stop()
            if self._expiry is not None:
                self._expiry.cancel()

        return unsubscribe

    async def _on_event(self, event: Event) -> None:
        if isinstance(event, FlowsChanged):
            await self.library.load(self.ctx)

    async def _expire_loop(self) -> None:
        while True:
            await asyncio.sleep(self.ctx.settings.flow_expiry_seconds)
            try:
                await self.expire_due()
            except Exception:
                log.exception("expiring idle flows failed")

    # ---- turns -------------------------------------------------------------------------------------
    def engine(self, flow: Flow, run_id: int, who: Customer, spent: _Spent | None = None) -> Engine:
        """An engine for one turn of ``run_id`` (its calls' backend time added to ``spent``, if given)."""

        async def call(action: str, params: dict[str, str], key: str) -> CallResult:
            context = {
                "conversation_id": who.conversation_id,
                "customer_id": who.customer_id,
                "flow": flow.key,
                "locale": who.locale,
            }
            result = await self.caller(self.ctx, action, params, key, context)
            if spent is not None:
                spent.ms += result.backend_ms
            return result

        today = self.ctx.clock.now().date()
        return Engine(
            flow, run_id=run_id, caller=call, texts=self.ctx.texts, locale=who.locale, channel=who.channel, today=today
        )

    async def active(self, conversation_id: int) -> FlowRun | None:
        """The flow running in the conversation."""
        async with self.ctx.uow() as uow:
            return await flow_repo.active_run(uow.session, conversation_id)

    async def begin(
        self,
        key: str,
        who: Customer,
        text: str,
        *,
        earlier: Sequence[str] = (),
        first: list[Said] | None = None,
        received: float | None = None,
    ) -> bool:
        """Start flow ``key`` (its trigger fitted ``text``; ``earlier``: the customer's previous messages,
        newest first, which may hold slot values too); False if no such flow is published.

        ``received`` is when the bot took the customer's message (``time.perf_counter()``), for the observer.
        """
        observer = self.observer
        started = received if received is not None else time.perf_counter() if observer is not None else 0.0
        spent = _Spent() if observer is not None else None
        last_seq = await self._begin(key, who, text, earlier, first, spent)
        if last_seq is None:
            return False
        if observer is not None and spent is not None:
            observer(TurnTiming(who.conversation_id, started, time.perf_counter(), spent.ms, last_seq))
        return True

    async def _begin(
        self,
        key: str,
        who: Customer,
        text: str,
        earlier: Sequence[str],
        first: list[Said] | None,
        spent: _Spent | None,
    ) -> int | None:
        """Start flow ``key``; the sequence number of its first turn's last message (None: not published)."""
        published = self.library.published.get(key)
        if published is None:
            return None
        now = self.ctx.clock.now()
        async with self.ctx.uow() as uow:
            run = FlowRun(
                conversation_id=who.conversation_id,
                flow_version_id=published.version_id,
                flow_key=key,
                status=flow_repo.ACTIVE,
                step=published.flow.steps[0].id,
                state=RunState(step=published.flow.steps[0].id).to_json(),
                started_at=now,
                updated_at=now,
            )
            uow.session.add(run)
            await uow.session.flush()
            run_id = run.id
            await uow.commit()
        progress = await self.engine(published.flow, run_id, who, spent).start(text, earlier)
        progress.said[:0] = first or []
        return await self._commit(run_id, published.flow, published.version, who, progress, spent)

    async def take(
        self,
        run: FlowRun,
        who: Customer,
        text: str,
        meta: dict[str, Any],
        side: SideAnswer,
        *,
        received: float | None = None,
    ) -> None:
        """The customer wrote ``text`` while ``run`` waits for them (``received``: see :meth:`begin`)."""
        observer = self.observer
        started = received if received is not None else time.perf_counter() if observer is not None else 0.0
        spent = _Spent() if observer is not None else None
        last_seq = await self._take(run, who, text, meta, side, spent)
        if observer is not None and spent is not None and last_seq is not None:
            observer(TurnTiming(who.conversation_id, started, time.perf_counter(), spent.ms, last_seq))

    async def _take(
        self, run: FlowRun, who: Customer, text: str, meta: dict[str, Any], side: SideAnswer, spent: _Spent | None
    ) -> int | None:
        flow = await self.library.version(self.ctx, run.flow_version_id)
        sealed_id = meta.get("sealed")
        if isinstance(sealed_id, int):
            async with self.ctx.uow() as uow:
                clear = await flow_repo.take_sealed(uow.session, sealed_id, who.conversation_id)
                await uow.commit()
            text = clear if clear is not None else text
        version = await self._version_number(run.flow_version_id)
        if flow is None:
            await self._end_quietly(run.id, "flow_missing")
            return None
        state = RunState.from_json(run.state)
        engine = self.engine(flow, run.id, who, spent)
        progress = await self.respond(engine, state, text, side)
        return await self._commit(run.id, flow, version, who, progress, spent)

    async def respond(self, engine: Engine, state: RunState, text: str, side: SideAnswer) -> Progress | Switch:
        """The flow's turn for the customer's ``text``: cancel, a person, the step's answer, another
        journey, or a side question the bot answers before asking the step's question again."""
        compact = normalize(text, strip_punct=True).replace(" ", "")
        if engine.is_button(state, text):  # a button the flow offered wins, even one labelled 结束 or 转人工
            return await engine.answer(state, text)
        if CANCEL.match(compact):
            return engine.cancel(state)
        if classify(text) is Intent.HUMAN:
            return engine.hand_over(state, "customer_request")
        if engine.fits(state, text):
            return await engine.answer(state, text)
        other = self.library.match(text)
        if other is not None and other != engine.flow.key:
            return Switch(other, engine.cancel(state), text)
        answer = await side(text)
        if answer:
            return Progress([*answer, *engine.resume_prompt(state)], state)
        return await engine.answer(state, text)

    async def _version_number(self, version_id: int) -> int:
        return await self.library.number(self.ctx, version_id)  # kept by the library: no query per turn

    async def _end_quietly(self, run_id: int, reason: str) -> None:
        async with self.ctx.uow() as uow:
            run = await uow.session.get(FlowRun, run_id)
            if run is not None and run.status == flow_repo.ACTIVE:
                run.status, run.end_reason, run.ended_at = "cancelled", reason, self.ctx.clock.now()
                await uow.commit()

    async def _commit(
        self,
        run_id: int,
        flow: Flow,
        version: int,
        who: Customer,
        progress: Progress | Switch,
        spent: _Spent | None = None,
    ) -> int:
        """Store the turn; the sequence number of its last message (0 if it stored none)."""
        switch = progress if isinstance(progress, Switch) else None
        if switch is not None:
            progress = switch.ending
        assert isinstance(progress, Progress)
        async with self.ctx.uow() as uow:
            conversation = await conversation_repo.get_for_update(uow.session, who.conversation_id)
            run = await uow.session.get(FlowRun, run_id)
            if conversation is None or run is None or run.status != flow_repo.ACTIVE:
                return 0
            if conversation.status != Status.BOT:  # a person has it now: the flow stops, silently
                run.status, run.end_reason, run.ended_at = "cancelled", "taken_over", self.ctx.clock.now()
                await flow_repo.drop_sealed(uow.session, who.conversation_id)
                await uow.commit()
                return 0
            scope = scope_of(conversation)
            last_seq = 0
            for said in progress.said:
                view = await append_message(
                    uow, self.ctx, who.conversation_id, sender_kind="bot", text=said.text, meta=said.meta, scope=scope
                )
                last_seq = view.seq
            conversation.bot_failures = 0
            await self._save(uow, conversation, run, flow, version, who, progress)
            await uow.commit()
        if switch is not None:
            started = await self._begin(switch.key, who, switch.text, (), None, spent)
            return last_seq if started is None else started or last_seq
        return last_seq

    async def _save(
        self,
        uow: UnitOfWork,
        conversation: Conversation,
        run: FlowRun,
        flow: Flow,
        version: int,
        who: Customer,
        progress: Progress,
    ) -> None:
        now = self.ctx.clock.now()
        state = progress.state
        run.step = state.step
        run.updated_at = now
        run.secret_input = progress.secret_input and progress.ended is None
        if progress.ended is None:
            run.expires_at = now + timedelta(minutes=flow.expire_minutes)
            run.state = state.to_json()
            return
        run.status = progress.ended
        run.end_reason = progress.reason
        run.ended_at = now
        run.expires_at = None
        summary = summaries.build(flow, version, state, progress.reason, who.locale)
        run.state = summaries.scrubbed(flow, state).to_json()
        run.summary = json.dumps(summary, ensure_ascii=False)
        await flow_repo.drop_sealed(uow.session, who.conversation_id)
        if progress.ended == "handed_over":
            await self._hand_over(uow, conversation, flow, who, progress)
        elif progress.ended == "ticket":
            await self._ticket(uow, flow, who, summary, state.slots)

    async def _hand_over(
        self, uow: UnitOfWork, conversation: Conversation, flow: Flow, who: Customer, progress: Progress
    ) -> None:
        handover = progress.handover
        group_name = (handover.group if handover else None) or flow.handover_group
        group = await user_repo.get_group_by_name(uow.session, group_name) if group_name else None
        priority = PRIORITY.get(handover.priority if handover else "normal", 0)
        conversation.priority = max(conversation.priority, priority)  # routing keeps the higher of this and its own
        reason = f"flow_{progress.reason or 'handover'}"[:32]
        await lifecycle.enqueue(
            uow, self.ctx, who.conversation_id, group_id=group.id if group else None, handover_reason=reason
        )

    async def _ticket(
        self, uow: UnitOfWork, flow: Flow, who: Customer, summary: dict[str, Any], slots: dict[str, str]
    ) -> None:
        """The flow files a ticket: its collected values (sensitive ones already dropped) become fields."""
        step = flow.step(str(summary["step"]))
        spec = step.ticket
        lines = [f"{summary['flow']}（自助流程登记）"]
        lines += [f"{item['label']}：{item['value']}" for item in summary["collected"]]
        await ticket_sources.from_flow(
            uow,
            self.ctx,
            customer_id=who.customer_id,
            conversation_id=who.conversation_id,
            type_name=spec.type if spec is not None else None,
            title=str(summary["flow"]),
            description="\n".join(lines),
            fields=dict(slots),
            group_name=flow.handover_group,
            priority=spec.priority if spec is not None else "normal",
        )

    # ---- expiry ------------------------------------------------------------------------------------
    async def expire_due(self) -> int:
        """End every run idle past its expiry with a message; returns how many ended."""
        async with self.ctx.uow() as uow:
            due = await flow_repo.expiring(uow.session, self.ctx.clock.now())
            runs = [(r.id, r.conversation_id, r.flow_version_id, r.state) for r in due]
        ended = 0
        for run_id, conversation_id, version_id, raw in runs:
            flow = await self.library.version(self.ctx, version_id)
            async with self.ctx.uow() as uow:
                conversation = await conversation_repo.get(uow.session, conversation_id)
            if flow is None or conversation is None:
                await self._end_quietly(run_id, "flow_missing")
                continue
            who = Customer(conversation_id, conversation.customer_id, conversation.locale, conversation.channel)
            progress = self.engine(flow, run_id, who).expire(RunState.from_json(raw))
            await self._commit(run_id, flow, await self._version_number(version_id), who, progress)
            ended += 1
        return ended


@dataclass(frozen=True, slots=True)
class Switch:
    """The customer turned to another journey: end this one, then start ``key``."""

    key: str
    ending: Progress
    text: str = ""
