"""A channel of text only, added without touching the core: the bot, its choices and hand-over work.

The test channel stands for SMS / WeChat / e-mail: its customers are known by a phone number, its
sender receives each message rendered as plain text with numbered choices, and a numbered reply is
understood as a click.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from kefu.app import settle
from kefu.channels.base import Outbound
from kefu.channels.inbound import receive_text
from kefu.channels.parts import as_plain_text, picked
from kefu.context import Context
from kefu.conversations import customers
from kefu.conversations.status import Status


class PlainTextChannel:
    """A sender that records what it would send."""

    name = "sms-test"
    live = False

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send(self, ctx: Context, message: Outbound) -> None:
        self.sent.append((message.customer_id, as_plain_text(message.parts, reply_prompt="回复数字选择：")))


def test_a_plain_text_channel_gets_numbered_choices_and_a_number_picks_one(bot_app: TestClient) -> None:
    channel = PlainTextChannel()
    bot_app.app.state.channels.add(channel)  # type: ignore[attr-defined]
    ctx: Context = bot_app.app.state.ctx  # type: ignore[attr-defined]

    async def conversation() -> None:
        customer = await customers.identify(ctx, "sms-test", "13800000000")
        await receive_text(ctx, customer, "qzxv kkwp zzzq", client_msg_id="sms-1")
        await settle(bot_app.app)  # type: ignore[arg-type]
        assert channel.sent, "the bot's reply reaches the channel's sender"
        who, text = channel.sent[-1]
        assert who == customer.customer_id
        assert "回复数字选择：" in text
        assert "1. 转人工" in text
        # A retry of the same channel message is stored once.
        _, created = await receive_text(ctx, customer, "qzxv kkwp zzzq", client_msg_id="sms-1")
        assert not created
        message, _ = await receive_text(ctx, customer, "1", client_msg_id="sms-2")
        assert message.text == "转人工"
        await settle(bot_app.app)  # type: ignore[arg-type]
        async with ctx.uow() as uow:
            from kefu.storage.repositories import conversations as conversation_repo

            row = await conversation_repo.get(uow.session, message.conversation_id)
            assert row is not None
            assert row.channel == "sms-test"
            assert row.status == Status.QUEUED
        assert any("人工" in text for _, text in channel.sent[-3:])

    bot_app.portal.call(conversation)  # type: ignore[union-attr]


def test_numbers_pick_only_offered_choices() -> None:
    from kefu.channels.parts import Choice

    choices = (Choice("查订单", "查订单"), Choice("转人工", "转人工"))
    assert picked("2", choices) == choices[1]
    assert picked(" 1。", choices) == choices[0]
    assert picked("3", choices) is None
    assert picked("12 块钱", choices) is None
    assert picked("0", choices) is None
