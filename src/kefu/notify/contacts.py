"""Where a customer may be notified: one verified address per medium, and never after opting out.

The rule lives here and nowhere else (:func:`addresses`): an e-mail address or phone number is used
only once verified (confirmed through the link kefu e-mailed, by a trusted channel that knows the
customer, or by an agent who checked it), and ``notify_opt_out`` stops everything. A contact a
customer types into the 留言 form is kept as an unverified address until confirmed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kefu.notify.kinds import EMAIL_ONLY, TO_UNVERIFIED, Kind
from kefu.storage.tables import Customer

EMAIL = "email"
SMS = "sms"
_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(\.[A-Za-z0-9\-]{1,63})+$")
# A mainland China mobile number, with or without +86 / 0086 and separators.
_PHONE_RE = re.compile(r"^(?:\+?86|0086)?(1[3-9]\d{9})$")
MAX_EMAIL = 254


@dataclass(frozen=True, slots=True)
class Address:
    """Where one notification goes: ``channel`` is ``email`` or ``sms``."""

    channel: str
    recipient: str


def normalise_email(text: str) -> str | None:
    """The address in a canonical form (domain lower-cased), or None when it is not one."""
    text = text.strip()
    if len(text) > MAX_EMAIL or not _EMAIL_RE.match(text):
        return None
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalise_phone(text: str) -> str | None:
    """An 11-digit mobile number, or None when the text is not one."""
    match = _PHONE_RE.match(re.sub(r"[\s\-()]", "", text))
    return match.group(1) if match else None


def classify(contact: str) -> Address | None:
    """What a free-text contact (the 留言 form's) is: an e-mail address, a mobile number, or neither."""
    if (email := normalise_email(contact)) is not None:
        return Address(EMAIL, email)
    if (phone := normalise_phone(contact)) is not None:
        return Address(SMS, phone)
    return None


def addresses(customer: Customer, kind: Kind) -> list[Address]:
    """Where ``kind`` may reach the customer: verified addresses only, nothing after opting out.

    A confirmation link (``verify_email``) goes to the address it confirms, verified or not."""
    if customer.notify_opt_out:
        return []
    found = []
    if customer.email and (customer.email_verified or kind in TO_UNVERIFIED):
        found.append(Address(EMAIL, customer.email))
    if customer.phone and customer.phone_verified and kind not in EMAIL_ONLY:
        found.append(Address(SMS, customer.phone))
    return found


def remember(customer: Customer, contact: str) -> Address | None:
    """Keep a contact the customer typed as their unverified address of its kind, unless they have a
    verified one (a typed contact never replaces a verified address); returns it when newly kept."""
    address = classify(contact)
    if address is None:
        return None
    if address.channel == EMAIL and customer.email != address.recipient and not customer.email_verified:
        customer.email, customer.email_verified = address.recipient, False
        return address
    if address.channel == SMS and customer.phone != address.recipient and not customer.phone_verified:
        customer.phone, customer.phone_verified = address.recipient, False
        return address
    return None
