"""Request bodies (validated by FastAPI/pydantic before any action runs)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Unknown fields are an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class LoginIn(Strict):
    """Console sign-in."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class VisitorSessionIn(Strict):
    """Open or resume a web visitor; ``token`` is the one kept from last time, if any."""

    token: str | None = Field(default=None, max_length=200)
    name: str | None = Field(default=None, max_length=1000)
    lang: str | None = Field(default=None, max_length=35, description="the widget's language, e.g. en or zh-CN")
    group_id: int | None = Field(default=None, description="the page's skill group, whose own welcome is used")


class ConversationOpenIn(Strict):
    """Open the visitor's conversation; ``lang`` is the language kefu speaks in it (default: the organisation's)."""

    lang: str | None = Field(default=None, max_length=35)


class VisitorProfileIn(Strict):
    """What a visitor may change about themselves."""

    name: str = Field(max_length=1000)


class SendIn(Strict):
    """A text message; the length limit is checked by the action (so the error says which limit)."""

    text: str
    client_msg_id: str | None = None
    pick_entry_id: int | None = Field(default=None, description="the knowledge entry a customer clicked")


class ReadIn(Strict):
    """Read up to ``seq``."""

    seq: int = Field(ge=0)


class FeedbackIn(Strict):
    """有帮助 / 没帮助 on one bot answer."""

    message_id: int
    helpful: bool


class NoteIn(Strict):
    """An internal note; ``mention_ids`` are colleagues to notify (``@名字`` in the text counts too)."""

    body: str
    mention_ids: list[int] = Field(default_factory=list, max_length=50)


class MentionsReadIn(Strict):
    """Mark the caller's mentions in one conversation read."""

    conversation_id: int
