"""Secret inputs: what a customer types when a flow asks for a verification code or a card number.

The transcript (and so every agent's view, export and log) holds a masked text; the clear value is
kept apart, in ``sealed_inputs``, until the flow's next turn reads and deletes it.
"""

from __future__ import annotations

import re
from typing import Any

from kefu.context import Context
from kefu.storage.repositories import flows as flow_repo
from kefu.storage.tables import SealedInput

MASK = "•"
# Secrets flows ask for (codes, ID and card numbers) hold digits; "取消" or "没收到验证码" stay readable.
SECRET_SHAPE = re.compile(r"(?:\d[\s-]?){4,}")


async def seal_if_expected(
    ctx: Context, conversation_id: int, text: str, meta: dict[str, Any] | None
) -> tuple[str, dict[str, Any] | None]:
    """The text and meta to store for a customer's message: masked, with a reference to the clear
    value, when the conversation's flow waits for a secret; unchanged otherwise."""
    if not SECRET_SHAPE.search(text):
        return text, meta
    async with ctx.uow() as uow:
        if not await flow_repo.expects_secret(uow.session, conversation_id):
            return text, meta
        row = SealedInput(conversation_id=conversation_id, text=text, created_at=ctx.clock.now())
        flow_repo.add_sealed(uow.session, row)
        await uow.session.flush()
        sealed_id = row.id
        await uow.commit()
    masked = MASK * min(max(len(text.strip()), 4), 12)
    return masked, {**(meta or {}), "sealed": sealed_id}
