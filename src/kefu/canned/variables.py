"""Variables in canned replies, filled when the agent inserts one into a conversation.

A reply writes ``{客户名}`` or ``{customer_name}`` (either name works, so Chinese teams can write in
Chinese). What kefu knows is filled in; what it does not know (no order number in this conversation,
a name nobody gave) becomes a placeholder such as ``【请填写：订单号】`` which the console highlights and
refuses to send until the agent has replaced it, so a customer never receives a blank or a brace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kefu.conversations.status import Status
from kefu.flows.state import RunState
from kefu.routing import hours
from kefu.routing import queue as queue_mod
from kefu.security.principals import AgentPrincipal
from kefu.storage.repositories import canned as canned_repo
from kefu.storage.repositories import customers as customer_repo
from kefu.storage.repositories import flows as flow_repo
from kefu.storage.repositories import routing as routing_repo
from kefu.storage.tables import Conversation
from kefu.texts.book import TextBook


@dataclass(frozen=True, slots=True)
class Variable:
    """One variable: its key, its Chinese name and how a placeholder names it in English."""

    key: str
    zh: str
    en: str


VARIABLES = (
    Variable("customer_name", "客户名", "customer name"),
    Variable("agent_name", "客服名", "agent name"),
    Variable("order_number", "订单号", "order number"),
    Variable("ticket_number", "工单号", "ticket number"),
    Variable("queue_position", "排队位置", "queue position"),
    Variable("business_hours", "服务时间", "business hours"),
)
BY_NAME = {name: v for v in VARIABLES for name in (v.key, v.zh)}
_REFERENCE = re.compile(r"\{([^{}\s]{1,24})\}")
# An order number as customers type it: 8–24 digits, optionally after a few capital letters; not a
# mainland mobile number (1 and ten digits), which is what customers most often type besides.
_ORDER = re.compile(r"(?<![0-9A-Za-z])(?!1\d{10}(?![0-9]))([A-Z]{0,4}\d{8,24})(?![0-9A-Za-z])")
PLACEHOLDER = re.compile(r"【(?:请填写：|fill in: )[^】]*】")


def placeholder(name: str, locale: str) -> str:
    """What the agent must replace: ``【请填写：订单号】`` (``【fill in: order number】`` in English)."""
    known = BY_NAME.get(name)
    if locale == "en":
        return f"【fill in: {known.en if known else name}】"
    return f"【请填写：{known.zh if known else name}】"


def fill(text: str, values: dict[str, str], locale: str) -> str:
    """``text`` with each ``{variable}`` replaced by its value, or by a placeholder when there is none
    (an unknown name too: the agent sees it rather than the customer)."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        known = BY_NAME.get(name)
        value = values.get(known.key, "") if known is not None else ""
        return value or placeholder(name, locale)

    return _REFERENCE.sub(one, text)


def order_number_in(runs: list[RunState], texts: list[str]) -> str:
    """The order number a flow collected (newest run first), else the latest one the customer typed."""
    for state in runs:
        for key, value in state.slots.items():
            if "order" in key and value:
                return str(value)
        for result in state.results.values():
            found = result.get("order_no") if isinstance(result, dict) else None
            if found:
                return str(found)
    for text in texts:
        match = _ORDER.search(text)
        if match:
            return match.group(1)
    return ""


async def values_for(
    session: AsyncSession,
    agent: AgentPrincipal,
    conversation: Conversation | None,
    now: Any,
    texts: TextBook,
) -> dict[str, str]:
    """Every variable kefu can fill for ``agent`` in ``conversation`` (none of the conversation's
    without one); the ticket number stays empty until tickets link to conversations (TODO)."""
    values = {"agent_name": agent.display_name}
    group_id = next(iter(sorted(agent.group_ids)), None)
    locale = agent.locale
    if conversation is not None:
        customer = await customer_repo.get_customer(session, conversation.customer_id)
        if customer is not None:
            values["customer_name"] = customer.display_name
        runs = [RunState.from_json(r.state) for r in await flow_repo.runs_of(session, conversation.id)]
        values["order_number"] = order_number_in(runs, list(await canned_repo.customer_texts(session, conversation.id)))
        if conversation.status == Status.QUEUED:
            status = await queue_mod.status_for(session, conversation, now, texts)
            values["queue_position"] = str(status.position) if status.position > 0 else ""
        group_id = conversation.skill_group_id or group_id
        locale = conversation.locale
    group = await routing_repo.get_group(session, group_id)
    if group is not None:
        values["business_hours"] = hours.describe(hours.parse(group.hours), locale)
    # TODO(tickets): fill ticket_number from the ticket linked to this conversation once tickets land.
    return values
