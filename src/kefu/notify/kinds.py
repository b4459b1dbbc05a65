"""What kefu tells customers outside the chat, and which catalogue texts say it.

Each kind has three catalogue texts (``kefu/texts/catalogue.py``): ``notify.<kind>.subject`` and
``notify.<kind>.body`` for e-mail, ``notify.<kind>.sms`` for SMS (short: an SMS provider approves
templates, so the SMS of a kind has few, short placeholders: see :func:`sms_params`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Kind(StrEnum):
    """A kind of notification (the ``kind`` column, and the key of a provider's SMS template)."""

    LEAVE_ANSWERED = "leave_answered"
    TICKET_CREATED = "ticket_created"
    TICKET_REPLIED = "ticket_replied"
    TICKET_PENDING = "ticket_pending"
    TICKET_RESOLVED = "ticket_resolved"
    VERIFY_EMAIL = "verify_email"


KINDS = tuple(Kind)
TICKET_KINDS = (Kind.TICKET_CREATED, Kind.TICKET_REPLIED, Kind.TICKET_PENDING, Kind.TICKET_RESOLVED)
# Sent to an address that is not verified yet, on purpose: it is how the address becomes verified.
TO_UNVERIFIED = frozenset({Kind.VERIFY_EMAIL})
# Never by SMS (a link to confirm an e-mail address goes to that address).
EMAIL_ONLY = frozenset({Kind.VERIFY_EMAIL})
# A provider's template variables are short (Alibaba Cloud: at most 35 characters per value).
SMS_PARAM_CHARS = 35
_SMS_PARAMS: Mapping[Kind, tuple[str, ...]] = {
    Kind.LEAVE_ANSWERED: ("name",),
    Kind.TICKET_CREATED: ("number",),
    Kind.TICKET_REPLIED: ("number",),
    Kind.TICKET_PENDING: ("number",),
    Kind.TICKET_RESOLVED: ("number",),
    Kind.VERIFY_EMAIL: (),
}


def text_code(kind: Kind, part: str) -> str:
    """The catalogue code of a kind's ``subject``, ``body`` or ``sms``."""
    return f"notify.{kind.value}.{part}"


def sms_params(kind: Kind, params: Mapping[str, str | int]) -> dict[str, str]:
    """The values a provider's SMS template of ``kind`` receives (``TemplateParam``), cut to length."""
    return {name: str(params.get(name, ""))[:SMS_PARAM_CHARS] for name in _SMS_PARAMS[kind]}
