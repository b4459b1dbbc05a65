"""What the bot reads and writes besides entries: recent messages, feedback, missed questions, terms."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.conversations.status import Status
from kefu.storage.tables import BotFeedback, BotTerm, Conversation, Message, MissedQuestion, SkillGroup


async def recent_customer_texts(
    session: AsyncSession, conversation_id: int, before_seq: int, limit: int = 3
) -> list[str]:
    """The customer's last few texts before ``before_seq``, newest first."""
    query = (
        select(Message.text)
        .where(
            Message.conversation_id == conversation_id,
            Message.sender_kind == "customer",
            Message.seq < before_seq,
            Message.text != "",
        )
        .order_by(Message.seq.desc())
        .limit(limit)
    )
    return [str(text) for text in (await session.execute(query)).scalars().all()]


async def add_feedback(session: AsyncSession, feedback: BotFeedback) -> bool:
    """Record feedback once per message; False if that message already has feedback."""
    existing = await session.execute(select(BotFeedback.id).where(BotFeedback.message_id == feedback.message_id))
    if existing.first() is not None:
        return False
    session.add(feedback)
    await session.flush()
    return True


def add_missed(session: AsyncSession, missed: MissedQuestion) -> None:
    """Record a missed question."""
    session.add(missed)


async def pending_clarify(session: AsyncSession, conversation_id: int) -> MissedQuestion | None:
    """The conversation's newest missed question, if it is suggestions still waiting for the customer."""
    query = (
        select(MissedQuestion)
        .where(MissedQuestion.conversation_id == conversation_id)
        .order_by(MissedQuestion.id.desc())
        .limit(1)
    )
    row = (await session.execute(query)).scalar_one_or_none()
    return row if row is not None and row.reason == "clarified" and not row.resolved else None


async def last_bot_meta(session: AsyncSession, conversation_id: int, before_seq: int) -> str | None:
    """The meta (JSON) of the bot's last message before ``before_seq``: what kind of turn it was."""
    query = (
        select(Message.meta)
        .where(
            Message.conversation_id == conversation_id,
            Message.seq < before_seq,
            Message.sender_kind == "bot",
        )
        .order_by(Message.seq.desc())
        .limit(1)
    )
    meta = (await session.execute(query)).scalar_one_or_none()
    return str(meta) if meta is not None else None


async def money_group_id(session: AsyncSession) -> int | None:
    """The skill group that handles money matters (the first marked ``is_money``)."""
    query = select(SkillGroup.id).where(SkillGroup.is_money.is_(True)).order_by(SkillGroup.id).limit(1)
    found = (await session.execute(query)).scalar_one_or_none()
    return int(found) if found is not None else None


async def group_hours(session: AsyncSession) -> list[str | None]:
    """Every skill group's business hours (JSON; ``None``: open 24/7)."""
    return list((await session.execute(select(SkillGroup.hours))).scalars().all())


async def list_missed(session: AsyncSession, limit: int, include_resolved: bool) -> Sequence[MissedQuestion]:
    """The newest missed questions."""
    query = select(MissedQuestion).order_by(MissedQuestion.created_at.desc(), MissedQuestion.id.desc()).limit(limit)
    if not include_resolved:
        query = query.where(MissedQuestion.resolved.is_(False))
    return (await session.execute(query)).scalars().all()


async def get_missed(session: AsyncSession, missed_id: int) -> MissedQuestion | None:
    """One missed question."""
    return await session.get(MissedQuestion, missed_id)


async def feedback_counts(session: AsyncSession) -> tuple[int, int]:
    """(helpful, unhelpful) totals."""
    rows = await session.execute(select(BotFeedback.helpful, func.count()).group_by(BotFeedback.helpful))
    counts = {bool(row[0]): int(row[1]) for row in rows}
    return counts.get(True, 0), counts.get(False, 0)


async def list_terms(session: AsyncSession) -> Sequence[BotTerm]:
    """The company dictionary and synonyms."""
    return (await session.execute(select(BotTerm).order_by(BotTerm.kind, BotTerm.id))).scalars().all()


async def find_term(session: AsyncSession, kind: str, term: str) -> BotTerm | None:
    """A term by kind and text."""
    query = select(BotTerm).where(BotTerm.kind == kind, BotTerm.term == term)
    return (await session.execute(query)).scalar_one_or_none()


async def delete_term(session: AsyncSession, term_id: int) -> bool:
    """Remove a term; False if there was none."""
    result = await session.execute(delete(BotTerm).where(BotTerm.id == term_id))
    return bool(getattr(result, "rowcount", 0))


async def unanswered_bot_conversations(session: AsyncSession) -> Sequence[tuple[int, int]]:
    """(conversation id, message id) of bot conversations whose last message is the customer's.

    After a restart the bot answers these, so a question asked just before a crash is not dropped.
    """
    query = (
        select(Conversation.id, Message.id)
        .join(Message, (Message.conversation_id == Conversation.id) & (Message.seq == Conversation.last_seq))
        .where(Conversation.status == Status.BOT.value, Message.sender_kind == "customer")
    )
    return [(int(row[0]), int(row[1])) for row in await session.execute(query)]
