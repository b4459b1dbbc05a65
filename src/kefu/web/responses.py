"""Response bodies: every REST route declares one, so ``/docs`` is the API's contract.

The handlers build their JSON from the domain's views (``to_dict``), and the widget's and console's
JavaScript depends on those shapes. So these models describe the shapes rather than filter them:
every model allows extra keys, which pass through unchanged. A field a view gains shows up in the
responses at once and in the documentation when it is added here; a documented field a view loses
fails the route loudly (response validation) instead of silently vanishing from the contract.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Out(BaseModel):
    """A response object: documented fields, and any others passed through as they are."""

    model_config = ConfigDict(extra="allow")


class OkOut(Out):
    """The write was done (routes with nothing else to say)."""

    ok: bool = Field(description="always true; failures are error responses")


# ---- auth and visitors -------------------------------------------------------------------------


class UserOut(Out):
    """The signed-in staff user, as the console knows them."""

    id: int
    username: str
    display_name: str
    role: str = Field(description="agent | supervisor | admin")
    group_ids: list[int]
    locale: str
    csrf_token: str = Field(description="send as X-CSRF-Token with every write")


class UserEnvelope(Out):
    user: UserOut


class CustomerOut(Out):
    """A customer as they see themselves."""

    id: int
    name: str


class CustomerEnvelope(Out):
    customer: CustomerOut


class MenuButtonOut(Out):
    """A button of the self-service menu: shows ``label``, sends ``send`` as the customer's message."""

    label: str
    send: str


class VisitorSessionOut(Out):
    """A web visitor's session: keep ``token`` and send it as ``Authorization: Bearer``."""

    token: str
    customer: CustomerOut
    locale: str | None = None  # the conversation language kefu will use for this widget
    welcome: str | None = None  # the organisation's welcome text in that language
    menu: list[MenuButtonOut] = []  # the self-service menu under the welcome text (guided flows)


# ---- conversations and messages ----------------------------------------------------------------


class ConversationOut(Out):
    """A conversation's summary (the ``ConversationView``)."""

    id: int
    customer_id: int
    customer_name: str
    channel: str
    status: str = Field(description="bot | queued | assigned | closed")
    skill_group_id: int | None
    skill_group_name: str | None
    assignee_id: int | None
    assignee_name: str | None
    last_seq: int
    agent_read_seq: int
    customer_read_seq: int
    created_at: str
    updated_at: str
    closed_at: str | None
    last_message_at: str | None
    handover_reason: str | None
    queued_at: str | None = Field(description="first queued")
    assigned_at: str | None = Field(description="first assigned")
    first_response_at: str | None = Field(description="the first agent reply")
    closed_reason: str | None


class ListedConversationOut(ConversationOut):
    """A conversation in a list: the summary with the caller's unread count and the last message."""

    unread: int
    preview: str


class AttachmentOut(Out):
    """An attachment's public description; its bytes are at ``/api/v1/attachments/{id}``."""

    id: int
    filename: str
    content_type: str
    size: int
    is_image: bool


class MessageOut(Out):
    """A message as participants see it (the ``MessageView``)."""

    id: int
    conversation_id: int
    seq: int
    sender_kind: str
    sender_name: str
    text: str
    attachment: AttachmentOut | None
    client_msg_id: str | None
    created_at: str
    meta: dict[str, Any] | None


class ConversationEnvelope(Out):
    conversation: ConversationOut


class MaybeConversationEnvelope(Out):
    conversation: ConversationOut | None = Field(description="null when there was none")


class ConversationListOut(Out):
    conversations: list[ListedConversationOut]


class MessageListOut(Out):
    messages: list[MessageOut]


class SentOut(Out):
    """A stored message; ``duplicate`` when its ``client_msg_id`` had been stored already."""

    message: MessageOut
    duplicate: bool


# ---- routing -----------------------------------------------------------------------------------


class PresenceOut(Out):
    """An agent's routing presence, capacity and current load."""

    user_id: int
    status: str = Field(description="online | away | offline")
    capacity: int
    load: int
    connections: int


class PresenceEnvelope(Out):
    presence: PresenceOut


class AgentOut(Out):
    """An agent with presence, load and groups."""

    user_id: int
    display_name: str
    role: str
    status: str
    capacity: int
    load: int
    group_ids: list[int]


class AvailableAgentOut(AgentOut):
    available: bool = Field(description="online with room for one more conversation")


class AgentListOut(Out):
    agents: list[AvailableAgentOut]


class WaitingOut(Out):
    """A conversation waiting in a queue."""

    conversation_id: int
    customer_id: int
    customer_name: str
    priority: int
    handover_reason: str | None
    position: int
    waiting_seconds: int
    eta_seconds: int | None


class QueueOut(Out):
    """One skill group's queue (``group_id`` null: conversations no group claims)."""

    group_id: int | None
    group_name: str | None
    open: bool
    online_capacity: int
    average_handle_seconds: int
    length: int
    longest_wait_seconds: int
    waiting: list[WaitingOut]


class QueueListOut(Out):
    queues: list[QueueOut]


class QueueStatusOut(Out):
    """Where a waiting conversation stands, and the text to show its customer."""

    conversation_id: int
    status: str
    position: int
    eta_seconds: int | None
    text: str
    state: str = Field(description="waiting | closed | no_agents | timeout")
    leave_message: bool


class QueueStatusEnvelope(Out):
    queue: QueueStatusOut


class TransferOut(Out):
    """A transfer with its note."""

    id: int
    conversation_id: int
    from_user_id: int | None
    to_user_id: int | None
    to_group_id: int | None
    note: str
    created_at: str


class TransferListOut(Out):
    transfers: list[TransferOut]


class GroupSummaryOut(Out):
    """A skill group in the supervisor view."""

    id: int
    name: str
    strategy: str
    open: bool


class OverviewAgentOut(AgentOut):
    connections: int
    group_names: list[str]


class OverviewOut(Out):
    """The supervisor view: groups, queues with waiting times, agents with presence and load."""

    groups: list[GroupSummaryOut]
    queues: list[QueueOut]
    agents: list[OverviewAgentOut]


class GroupOut(Out):
    """A skill group with its routing settings."""

    id: int
    name: str
    description: str
    strategy: str
    default_capacity: int
    is_money: bool
    hours: dict[str, Any] | None
    off_hours_text: str
    sla_seconds: int
    queue_timeout_seconds: int
    idle_close_seconds: int
    last_agent_days: int


class GroupListOut(Out):
    groups: list[GroupOut]


class GroupEnvelope(Out):
    group: GroupOut


class LeaveMessageOut(Out):
    """A message left while nobody could answer (留言)."""

    id: int
    customer_id: int
    conversation_id: int | None
    channel: str
    skill_group_id: int | None
    name: str
    contact: str
    text: str
    status: str = Field(description="open | assigned | answered")
    assignee_id: int | None
    answer: str | None
    answered_at: str | None
    delivered: bool
    created_at: str


class LeaveMessageEnvelope(Out):
    leave_message: LeaveMessageOut


class LeaveMessageListOut(Out):
    leave_messages: list[LeaveMessageOut]


# ---- the bot and its knowledge base ------------------------------------------------------------


class EntryOut(Out):
    """A knowledge-base entry."""

    id: int
    question: str
    similar: list[str]
    answer: str
    category: str
    skill_group_id: int | None
    group: str | None
    keywords: list[str]
    quick_replies: list[str]
    handover: bool
    enabled: bool
    valid_from: str | None
    valid_until: str | None
    updated_at: str


class EntryEnvelope(Out):
    entry: EntryOut


class EntryPageOut(Out):
    """One page of a search, and how many entries matched in all."""

    entries: list[EntryOut]
    total: int


class ImportOut(Out):
    """How many entries an import created and updated."""

    created: int
    updated: int


class TermOut(Out):
    """A dictionary word, or a synonym of ``canonical``."""

    id: int
    kind: str = Field(description="word | synonym")
    term: str
    canonical: str | None


class TermEnvelope(Out):
    term: TermOut


class TermListOut(Out):
    terms: list[TermOut]


class MissedOut(Out):
    """A question the bot could not answer, or answered unhelpfully."""

    id: int
    conversation_id: int
    text: str
    reason: str
    best_entry_id: int | None
    best_confidence: float | None
    resolved: bool
    created_at: str


class MissedListOut(Out):
    missed: list[MissedOut]


# ---- internal notes and mentions (staff only) ----------------------------------------------------


class NoteOut(Out):
    """An internal note (the ``NoteView``): never shown to the customer."""

    id: int
    conversation_id: int
    author_id: int
    author_name: str
    body: str
    after_seq: int = Field(description="the conversation's last message number when written: its place in the thread")
    mention_ids: list[int]
    created_at: str


class NoteEnvelope(Out):
    note: NoteOut


class NoteListOut(Out):
    notes: list[NoteOut]


class MentionableOut(Out):
    """A colleague who may see the conversation, so may be @mentioned in its notes."""

    id: int
    username: str
    display_name: str


class MentionableListOut(Out):
    users: list[MentionableOut]


class MentionOut(Out):
    """The caller was @mentioned in a note (the ``MentionView``)."""

    id: int
    note_id: int
    conversation_id: int
    by_user_id: int
    by_name: str
    excerpt: str
    created_at: str
    read: bool


class MentionListOut(Out):
    mentions: list[MentionOut]
    unread: int = Field(description="how many of the caller's mentions are unread (in conversations they may see)")


class MarkedOut(Out):
    marked: int = Field(description="how many mentions were marked read")


def file_response(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route that returns a file's bytes, as OpenAPI describes a download."""
    schema = {"type": "string", "format": "binary"}
    return {200: {"content": {media_type: {"schema": schema} for media_type in media_types}}}
