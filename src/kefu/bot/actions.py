"""The bot's writes: its replies, hand-over to the queue, failures, feedback and missed questions."""

from __future__ import annotations

from kefu.bot.policy import Turn
from kefu.context import Context
from kefu.conversations import lifecycle
from kefu.conversations.actions import append_message
from kefu.conversations.status import CloseReason, Status
from kefu.conversations.views import scope_of
from kefu.storage.repositories import bot as bot_repo
from kefu.storage.repositories import conversations as conversation_repo
from kefu.storage.tables import MissedQuestion
from kefu.storage.uow import UnitOfWork


async def _record_missed(
    uow: UnitOfWork, ctx: Context, conversation_id: int, turn: Turn, message_id: int | None
) -> None:
    if turn.missed is None:
        return
    bot_repo.add_missed(
        uow.session,
        MissedQuestion(
            conversation_id=conversation_id,
            message_id=message_id,
            text=turn.missed.text[:2000],
            reason=turn.missed.reason,
            best_entry_id=turn.missed.best_entry_id,
            best_confidence=turn.missed.best_confidence,
            resolved=False,
            created_at=ctx.clock.now(),
        ),
    )


async def _settle_clarify(uow: UnitOfWork, conversation_id: int, turn: Turn) -> None:
    """The suggestions of the bot's previous turn were picked or led to an answer (the question is no
    longer open), or were ignored (it stays on the list as such)."""
    if turn.clarify_settled is None:
        return
    row = await bot_repo.pending_clarify(uow.session, conversation_id)
    if row is None:
        return
    if turn.clarify_settled == "ignored":
        row.reason = "suggestion_ignored"
    else:
        row.resolved = True


async def apply_turn(ctx: Context, conversation_id: int, turn: Turn, message_id: int | None = None) -> bool:
    """Write the bot's turn in one transaction; False (nothing written) if a person has the conversation now."""
    async with ctx.uow() as uow:
        conversation = await conversation_repo.get_for_update(uow.session, conversation_id)
        if conversation is None or conversation.status != Status.BOT:
            return False
        scope = scope_of(conversation)
        for reply in turn.replies:
            await append_message(
                uow, ctx, conversation_id, sender_kind="bot", text=reply.text, meta=reply.meta, scope=scope
            )
        if turn.outcome == "answered":
            conversation.bot_failures = 0
        else:
            conversation.bot_failures += turn.misses or (1 if turn.outcome == "failed" else 0)
        await _settle_clarify(uow, conversation_id, turn)
        await _record_missed(uow, ctx, conversation_id, turn, message_id)
        if turn.handover is not None:
            await hand_over(uow, ctx, conversation_id, turn.handover, turn.handover_group_id, priority=turn.priority)
        elif turn.resolved:
            await lifecycle.close(uow, ctx, conversation_id, CloseReason.BOT_RESOLVED, from_statuses=(Status.BOT,))
        await uow.commit()
        return True


async def hand_over(
    uow: UnitOfWork,
    ctx: Context,
    conversation_id: int,
    reason: str,
    group_id: int | None,
    *,
    priority: int | None = None,
) -> None:
    """Move a bot conversation to the queue of ``group_id`` (routing takes it from there).

    ``priority`` (an urgent message) is the least the conversation waits with: routing keeps the higher
    of it and its own (VIP, complaint, money).
    """
    await lifecycle.enqueue(uow, ctx, conversation_id, group_id=group_id, handover_reason=reason, priority=priority)
