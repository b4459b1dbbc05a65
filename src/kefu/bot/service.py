"""The bot as a bus listener: it answers customers' messages in conversations it owns.

Side effects are listeners: the conversation core knows nothing of the bot. Work runs in background
tasks, one conversation at a time in message order, so a customer's send is acknowledged at once.
The index is rebuilt (in a worker thread) whenever ``KnowledgeChanged`` arrives, and the policy takes
new thresholds when ``BotSettingsChanged`` arrives, so edits take effect without a restart.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from sqlalchemy import exc as sqlalchemy_exc

from kefu.bot import actions
from kefu.bot.embeddings import Embedder, load_embedder
from kefu.bot.entries import all_entries
from kefu.bot.index import BotIndex
from kefu.bot.live import anger_detector, bot_settings, build_policy
from kefu.bot.policy import BotSettings, Journeys, Policy, State, Turn
from kefu.bot.settings import FIELDS, effective_settings
from kefu.bus import Delivery
from kefu.context import Context
from kefu.conversations.status import Status
from kefu.errors import Conflict, InvalidInput, NotFound, Overloaded
from kefu.events import BotSettingsChanged, Event, KnowledgeChanged, MessageCreated
from kefu.flows.runtime import Customer, FlowRuntime, SideAnswer
from kefu.flows.state import Said
from kefu.flows.triggers import FlowTriggers
from kefu.routing import hours
from kefu.security.access import load_visible
from kefu.security.principals import CustomerPrincipal
from kefu.storage.repositories import bot as bot_repo
from kefu.storage.repositories import conversations as conversation_repo
from kefu.storage.repositories import customers as customer_repo
from kefu.storage.repositories import flows as flow_repo
from kefu.storage.repositories import messages as message_repo
from kefu.storage.tables import BotFeedback

log = logging.getLogger(__name__)
# Failures that pass when the database is less busy: an answer is retried after these pauses (seconds).
# A retry is safe: nothing of a failed attempt was committed, and a flow's calls to the company's system
# carry the same idempotency keys again.
TRANSIENT = (sqlalchemy_exc.TimeoutError, sqlalchemy_exc.OperationalError, Overloaded)
RETRY_PAUSES = (0.2, 0.5, 1.0, 2.0, 4.0)


class BotService:
    """Owns the index and answers messages; ``drain()`` waits for pending work (tests, shutdown)."""

    def __init__(self, ctx: Context, flows: FlowRuntime | None = None) -> None:
        self.ctx = ctx
        self.flows = flows
        self.settings: BotSettings = bot_settings(ctx.settings)  # until the stored ones are read at start
        self.is_angry = anger_detector(ctx.settings.bot_anger_threshold)
        # Guided journeys the policy may start (the flows package sets them; None: answer from the KB only).
        self.journeys: Journeys | None = FlowTriggers(flows.library, self._entry_question) if flows else None
        self.policy = Policy(BotIndex([], None), self.settings, self.is_angry, ctx.texts)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._rebuild_lock = asyncio.Lock()
        self._rebuilds_requested = 0  # every rebuild() call takes a number
        self._rebuilds_covered = 0  # the highest number whose changes the current index includes
        self.builds = 0  # indexes built (rebuild requests that arrive during a build share the next one)
        self._embedder: Embedder | None = None
        self._search_lock = threading.Lock()

    async def start(self) -> Callable[[], None]:
        """Build the index, answer anything left unanswered before a restart, and start listening."""
        if self.ctx.settings.bot_embeddings:
            self._embedder = await asyncio.to_thread(load_embedder)
            log.info("dense embeddings: %s", "on" if self._embedder else "not installed")
        self.settings = await effective_settings(self.ctx)
        await self.rebuild()
        # Every node rebuilds its own index; a customer's message is answered once in the cluster.
        stop_rebuilds = self.ctx.bus.subscribe(self.on_knowledge, Delivery.EVERY_NODE)
        stop_answers = self.ctx.bus.subscribe(self.on_message, Delivery.ONCE)
        stop_settings = self.ctx.bus.subscribe(self.on_settings, Delivery.EVERY_NODE)
        async with self.ctx.uow() as uow:
            pending = await bot_repo.unanswered_bot_conversations(uow.session)
        for conversation_id, message_id in pending:
            self._spawn(self._answer(conversation_id, message_id))

        def unsubscribe() -> None:
            stop_rebuilds()
            stop_answers()
            stop_settings()

        return unsubscribe

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def idle(self) -> bool:
        """True when no answer or rebuild is scheduled or running."""
        return not self._tasks

    async def drain(self) -> None:
        """Wait until every scheduled answer and rebuild has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def on_knowledge(self, event: Event) -> None:
        """Bus listener (every node): rebuild the index when the knowledge base changed."""
        if isinstance(event, KnowledgeChanged):
            # In a task of its own: a large knowledge base takes seconds to index (in a worker thread),
            # and the bus must keep delivering other events meanwhile. ``drain()`` waits for it.
            self._spawn(self.rebuild())

    async def on_message(self, event: Event) -> None:
        """Bus listener (once per event): answer a customer's message in a conversation the bot holds."""
        is_customer = isinstance(event, MessageCreated) and event.message.sender_kind == "customer"
        if is_customer and isinstance(event, MessageCreated) and event.scope.status is Status.BOT:
            # When the flows' turns are observed (a benchmark), a turn's time counts from here.
            observed = self.flows is not None and self.flows.observer is not None
            received = time.perf_counter() if observed else None
            self._spawn(self._answer(event.conversation_id, event.message.id, received))

    async def on_settings(self, event: Event) -> None:
        """Bus listener (every node): answer with an admin's new thresholds and triggers from now on.

        Swapping the policy is immediate (no awaits), while an answer reads the database before it asks
        the policy, so a message sent after the admin's save is answered with the new settings.
        """
        if isinstance(event, BotSettingsChanged):
            self.use_settings(BotSettings(**{name: getattr(event, name) for name in FIELDS}))

    def use_settings(self, settings: BotSettings) -> None:
        """Answer from now on with ``settings`` (the index stays; a policy is cheap to make)."""
        self.settings = settings
        self.policy = Policy(self.policy.index, settings, self.is_angry, self.ctx.texts, journeys=self.journeys)

    async def rebuild(self) -> None:
        """Re-index the active knowledge base and dictionary; return once the index includes every
        change made before the call.

        Builds run one at a time. Requests that arrive while one runs share the next build: a burst
        of edits to a large knowledge base costs two builds, not one per edit.
        """
        self._rebuilds_requested += 1
        number = self._rebuilds_requested
        async with self._rebuild_lock:
            if self._rebuilds_covered >= number:
                return  # a build that started after this request has already finished
            covers = self._rebuilds_requested  # this build reads everything saved before these requests
            entries = await all_entries(self.ctx)
            async with self.ctx.uow() as uow:
                terms = await bot_repo.list_terms(uow.session)
            words = [t.term for t in terms if t.kind == "word"]
            groups: dict[str, list[str]] = {}
            for term in terms:
                if term.kind == "synonym" and term.canonical:
                    groups.setdefault(term.canonical, [term.canonical]).append(term.term)
            now = self.ctx.clock.now()
            synonyms = list(groups.values())
            built = await asyncio.to_thread(
                build_policy, self.ctx.settings, entries, now, words, synonyms, self._embedder
            )
            # With the settings in force now (an admin may have changed them during the build).
            self.policy = Policy(built.index, self.settings, self.is_angry, self.ctx.texts, journeys=self.journeys)
            self._rebuilds_covered = covers
            self.builds += 1
            log.info("bot index rebuilt: %d active entries", len(self.policy.index))

    async def _answer(self, conversation_id: int, message_id: int, received: float | None = None) -> None:
        lock, users = self._locks.get(conversation_id, (asyncio.Lock(), 0))
        self._locks[conversation_id] = (lock, users + 1)
        try:
            async with lock:
                for attempt, pause in enumerate((*RETRY_PAUSES, None), start=1):
                    try:
                        await self._answer_locked(conversation_id, message_id, received)
                        break
                    except TRANSIENT as exc:  # a busy database: the message waits its turn, it is not dropped
                        if pause is None:
                            raise
                        log.warning("bot answer to message %s: %s (attempt %d), retrying", message_id, exc, attempt)
                        await asyncio.sleep(pause)
        except Exception:
            log.exception("bot failed to answer message %s", message_id)
        finally:
            lock, users = self._locks[conversation_id]
            if users <= 1:
                del self._locks[conversation_id]
            else:
                self._locks[conversation_id] = (lock, users - 1)

    async def _answer_locked(self, conversation_id: int, message_id: int, received: float | None = None) -> None:
        async with self.ctx.uow() as uow:
            conversation = await conversation_repo.get(uow.session, conversation_id)
            message = await message_repo.get_message(uow.session, message_id)
            if conversation is None or message is None or conversation.status != Status.BOT:
                return
            if message.seq != conversation.last_seq:
                return  # Already answered (a newer message follows it).
            customer = await customer_repo.get_customer(uow.session, conversation.customer_id)
            recent = await bot_repo.recent_customer_texts(uow.session, conversation_id, message.seq)
            last_bot = _meta(await bot_repo.last_bot_meta(uow.session, conversation_id, message.seq))
            hours_of_groups = await bot_repo.group_hours(uow.session)
            state = State(
                conversation.bot_failures,
                bool(customer and customer.is_vip),
                tuple(recent),
                conversation.locale,
                conversation.channel,
                last_bot_kind=str(last_bot["kind"]) if isinstance(last_bot.get("kind"), str) else None,
                money_group_id=await bot_repo.money_group_id(uow.session),
                within_hours=_open_now(hours_of_groups, self.ctx.clock.now()),
            )
            pick = _pick_of(message.meta)
            text = message.text
            meta = _meta(message.meta)
            who = Customer(conversation_id, conversation.customer_id, conversation.locale, conversation.channel)
            # The flow running here, read in the same transaction (one query, not a unit of work of its own).
            run = await flow_repo.active_run(uow.session, conversation_id) if self.flows is not None else None
        if not text.strip() and pick is None:
            return  # An attachment alone: leave it for a person to look at.
        if self.flows is not None and run is not None:
            await self.flows.take(run, who, text, meta, self._side_answer(state), received=received)
            return
        turn = await asyncio.to_thread(self._respond, self.policy, text, state, pick)
        if turn.start_flow is not None and self.flows is not None:
            await actions.apply_turn(self.ctx, conversation_id, turn, message_id)  # no replies: the flow speaks
            if await self.flows.begin(turn.start_flow, who, text, earlier=state.recent_questions, received=received):
                return
        await actions.apply_turn(self.ctx, conversation_id, turn, message_id)

    def _entry_question(self, entry_id: int) -> str | None:
        entry = self.policy.index.entry(entry_id)
        return entry.question if entry is not None else None

    def side_answer(self, locale: str) -> SideAnswer:
        """Side answers for a flow's test run (no conversation behind it)."""
        return self._side_answer(State(locale=locale))

    def _side_answer(self, state: State) -> SideAnswer:
        """The bot's confident answer to a question asked in the middle of a flow (None if it has none)."""

        async def answer(text: str) -> list[Said] | None:
            turn = await asyncio.to_thread(self._respond, self.policy, text, state, None)
            if turn.outcome != "answered" or turn.handover is not None:
                return None
            return [Said(reply.text, reply.meta) for reply in turn.replies]

        return answer

    def _respond(self, policy: Policy, text: str, state: State, pick: int | None) -> Turn:
        """The policy's turn, off the event loop (a search with dense embeddings takes tens of ms);
        one at a time, since the ranker's caches are not shared safely between threads."""
        with self._search_lock:
            return policy.respond(text, state, pick=pick)

    async def feedback(self, customer: CustomerPrincipal, conversation_id: int, message_id: int, helpful: bool) -> None:
        """Record 有帮助/没帮助 on a bot answer; 没帮助 offers the next best answers or a person."""
        async with self.ctx.uow() as uow:
            conversation = await load_visible(uow.session, customer, conversation_id)
            message = await message_repo.get_message(uow.session, message_id)
            if message is None or message.conversation_id != conversation_id:
                raise NotFound("message not found", code="message_not_found")
            meta = _meta(message.meta)
            if message.sender_kind != "bot" or meta.get("kind") != "answer":
                raise InvalidInput("feedback is for the bot's answers", code="not_an_answer")
            row = BotFeedback(
                conversation_id=conversation_id,
                message_id=message_id,
                entry_id=meta.get("entry_id") if self.policy.index.entry(int(meta.get("entry_id", 0))) else None,
                helpful=helpful,
                created_at=self.ctx.clock.now(),
            )
            if not await bot_repo.add_feedback(uow.session, row):
                raise Conflict("feedback already given for this answer", code="feedback_exists")
            await uow.commit()
            hours_of_groups = await bot_repo.group_hours(uow.session)
            state = State(
                conversation.bot_failures,
                False,
                (),
                conversation.locale,
                conversation.channel,
                within_hours=_open_now(hours_of_groups, self.ctx.clock.now()),
            )
            in_bot = conversation.status == Status.BOT
        if not helpful and in_bot:
            turn = self.policy.unhelpful(meta, state)
            await actions.apply_turn(self.ctx, conversation_id, turn, message_id)


def _meta(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _open_now(hours_of_groups: list[str | None], now: datetime) -> bool:
    """People are at work: some skill group is open now (no groups: the shared queue, always open)."""
    return not hours_of_groups or any(hours.parse(h).is_open(now) for h in hours_of_groups)


def _pick_of(raw: str | None) -> int | None:
    pick = _meta(raw).get("pick")
    return pick if isinstance(pick, int) else None
