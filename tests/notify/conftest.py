"""Notify fixtures: a real SMTP server (aiosmtpd) that keeps what it receives and can refuse on demand,
settings that send e-mail to it, and a customer with a verified address."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from kefu.config import Settings
from kefu.context import Context
from kefu.security.principals import CustomerPrincipal
from kefu.storage.tables import Customer
from tests.routing.conftest import new_customer
from tests.support import free_port


class Inbox:
    """The SMTP server's handler: keeps each message; ``refuse`` answers the next DATA with 451 (or a
    given reply) that many times."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = 0
        self.reply = "451 4.3.0 Try again later"
        self.arrived = threading.Condition()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd names it)
        if self.refuse:
            self.refuse -= 1
            return self.reply
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Block until ``count`` messages arrived (a condition, not a sleep)."""
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.messages) >= count, timeout), self.messages
            return list(self.messages)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def inbox(smtp: tuple[Inbox, int]) -> Inbox:
    return smtp[0]


@pytest.fixture
def settings(tmp_path: Path, database_url: str, smtp: tuple[Inbox, int]) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        bot_enabled=False,
        bot_embeddings=False,
        public_url="https://kefu.example.com",
        smtp_host="127.0.0.1",
        smtp_port=smtp[1],
        smtp_starttls=False,
        smtp_from="客服 <service@example.com>",
        smtp_timeout_seconds=5,
        notify_backoff_seconds=30,
    )


async def customer_with(
    ctx: Context,
    *,
    email: str | None = None,
    email_verified: bool = False,
    phone: str | None = None,
    phone_verified: bool = False,
    opt_out: bool = False,
    name: str | None = None,
) -> CustomerPrincipal:
    """A web visitor with these contact details."""
    principal = await new_customer(ctx, name=name)
    async with ctx.uow() as uow:
        row = await uow.session.get(Customer, principal.customer_id)
        assert row is not None
        row.email, row.email_verified = email, email_verified
        row.phone, row.phone_verified = phone, phone_verified
        row.notify_opt_out = opt_out
        await uow.commit()
    return principal
