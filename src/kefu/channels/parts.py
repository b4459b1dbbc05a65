"""A message's structured parts (choices, feedback, image) and how they degrade to plain text.

The bot writes its parts into a message's ``meta`` (suggested questions, quick replies, buttons, a
feedback request). Channels that draw buttons (the web widget) use them as they are; channels of text
only (WeChat, SMS, e-mail) show them as numbered choices, and the customer's "1" is understood as a
click on the first. Both directions live here so they cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kefu.conversations.views import MessageView

NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.。、)）]?\s*$")


@dataclass(frozen=True, slots=True)
class Choice:
    """Something the customer can pick: what it says, what picking it sends, and the entry it names."""

    label: str
    send: str
    entry_id: int | None = None


@dataclass(frozen=True, slots=True)
class Parts:
    """A message as channels see it."""

    text: str
    choices: tuple[Choice, ...] = ()
    feedback: bool = False
    image_url: str | None = None


def parts_of(message: MessageView) -> Parts:
    """The structured parts of a stored message (bot answers, suggestions, buttons, an image)."""
    meta: dict[str, Any] = message.meta or {}
    choices: list[Choice] = []
    for suggestion in _list(meta.get("suggestions")):
        question = str(suggestion.get("question") or "")
        entry = suggestion.get("entry_id")
        if question:
            choices.append(Choice(question, question, int(entry) if isinstance(entry, int) else None))
    for reply in meta.get("quick_replies") or []:
        if isinstance(reply, str) and reply:
            choices.append(Choice(reply, reply))
    for button in _list(meta.get("buttons")):
        send = str(button.get("send") or "")
        if send:
            choices.append(Choice(str(button.get("label") or send), send))
    image = None
    if message.attachment is not None and message.attachment.is_image:
        image = f"/api/v1/attachments/{message.attachment.id}"
    return Parts(message.text, tuple(choices), bool(meta.get("feedback")), image)


def _list(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def as_plain_text(parts: Parts, *, reply_prompt: str) -> str:
    """The text of a message with its choices numbered (``reply_prompt`` e.g. "回复数字选择：")."""
    if not parts.choices:
        return parts.text
    lines = [parts.text, "", reply_prompt]
    lines += [f"{number}. {choice.label}" for number, choice in enumerate(parts.choices, start=1)]
    return "\n".join(lines)


def picked(text: str, choices: tuple[Choice, ...]) -> Choice | None:
    """The choice a numbered answer ("1", "2。") picks among the last offered ones, if any."""
    match = NUMBER.match(text)
    if match is None:
        return None
    number = int(match.group(1))
    return choices[number - 1] if 1 <= number <= len(choices) else None
