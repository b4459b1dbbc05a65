"""SQLAlchemy ORM tables: the persistent model of kefu."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from kefu.storage.types import UTCDateTime

ID = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints predictably."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Organisation(Base):
    """The single organisation a kefu installation serves, with its settings."""

    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    default_locale: Mapped[str] = mapped_column(String(16), default="zh-CN")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    welcome_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class User(Base):
    """A person working in kefu: admin, supervisor or agent."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str] = mapped_column(String(16), default="zh-CN")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    groups: Mapped[list[SkillGroup]] = relationship(secondary="user_skill_groups", lazy="selectin")


class SkillGroup(Base):
    """A team with a skill (账号安全, 支付, 售后 …) that conversations are routed to."""

    __tablename__ = "skill_groups"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Routing settings (see docs/routing.md): strategy least_busy | round_robin | last_agent.
    strategy: Mapped[str] = mapped_column(String(16), default="least_busy", server_default="least_busy")
    default_capacity: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    is_money: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    hours: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON; NULL = open 24/7
    off_hours_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    sla_seconds: Mapped[int] = mapped_column(Integer, default=300, server_default="300")
    queue_timeout_seconds: Mapped[int] = mapped_column(Integer, default=600, server_default="600")
    idle_close_seconds: Mapped[int] = mapped_column(Integer, default=1800, server_default="1800")
    last_agent_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7")


class UserSkillGroup(Base):
    """Membership of an agent in a skill group, with a skill level."""

    __tablename__ = "user_skill_groups"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    skill_group_id: Mapped[int] = mapped_column(ForeignKey("skill_groups.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, default=1)


class AgentSession(Base):
    """A signed-in browser session; only the SHA-256 of the cookie token is stored."""

    __tablename__ = "agent_sessions"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Customer(Base):
    """A person asking for help, possibly known through several channels."""

    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    is_vip: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Where kefu may notify the customer outside the chat (kefu.notify): an address is used only once
    # verified, and never after the customer opted out.
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    phone_verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    notify_opt_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class CustomerIdentity(Base):
    """How a channel knows a customer (web visitor id, WeChat openid, app user id, e-mail)."""

    __tablename__ = "customer_identities"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_customer_identities_channel_ext"),)
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Conversation(Base):
    """One conversation of one customer on one channel; status is bot, queued, assigned or closed."""

    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_status_group", "status", "skill_group_id"),
        Index("ix_conversations_assignee_status", "assignee_id", "status"),
    )
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    skill_group_id: Mapped[int | None] = mapped_column(ForeignKey("skill_groups.id"), nullable=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    agent_read_seq: Mapped[int] = mapped_column(Integer, default=0)
    customer_read_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Milestones for reports, written once (conversations.lifecycle): first queued, first assigned,
    # first agent reply, closed (with why and by whom).
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    closed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # The current hands: in the queue since (queue order, timeouts), with the assignee since (SLA).
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    assignee_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    handover_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    bot_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Routing: higher priority is served first; deadlines are set by routing and read by its timers.
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    queue_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The language kefu speaks to the customer in (system messages, the bot's small talk).
    locale: Mapped[str] = mapped_column(String(16), default="zh-CN", server_default="zh-CN")
    customer: Mapped[Customer] = relationship(lazy="joined")
    assignee: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[assignee_id])
    skill_group: Mapped[SkillGroup | None] = relationship(lazy="joined")


class Attachment(Base):
    """A file sent in a conversation, stored under the data folder."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_path: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Message(Base):
    """One message; ``seq`` orders it within its conversation, ``client_msg_id`` makes resends no-ops."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),
        UniqueConstraint("conversation_id", "client_msg_id", name="uq_messages_conversation_client_msg"),
    )
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    seq: Mapped[int] = mapped_column(Integer)
    sender_kind: Mapped[str] = mapped_column(String(16))
    sender_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), nullable=True)
    client_msg_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    meta: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attachment: Mapped[Attachment | None] = relationship(lazy="joined")
    sender_user: Mapped[User | None] = relationship(lazy="joined")


class KnowledgeEntry(Base):
    """A knowledge-base entry: a standard question, its similar questions and the answer."""

    __tablename__ = "kb_entries"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    similar_questions: Mapped[str] = mapped_column(Text, default="[]")
    answer: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(100), default="")
    skill_group_id: Mapped[int | None] = mapped_column(ForeignKey("skill_groups.id"), nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    keywords: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    quick_replies: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    handover: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BotTerm(Base):
    """A word of the company's own dictionary (``kind='word'``) or a synonym mapped to a canonical term."""

    __tablename__ = "bot_terms"
    __table_args__ = (UniqueConstraint("kind", "term", name="uq_bot_terms_kind_term"),)
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    term: Mapped[str] = mapped_column(String(100))
    canonical: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BotFeedback(Base):
    """A customer's 有帮助/没帮助 on one bot answer."""

    __tablename__ = "bot_feedback"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("kb_entries.id", ondelete="SET NULL"), nullable=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BotSettingsRow(Base):
    """The organisation's overrides of the bot's thresholds and hand-over triggers (one row, ``id=1``).

    A ``NULL`` column means "use the node's default" (``KEFU_BOT_*``), so changing the environment still
    changes every setting an admin has not overridden.
    """

    __tablename__ = "bot_settings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_threshold: Mapped[float | None] = mapped_column(Float, nullable=True)
    clarify_threshold: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_failures: Mapped[int | None] = mapped_column(Integer, nullable=True)
    handover_on_request: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    handover_on_negative: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    handover_on_vip: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    handover_on_sensitive: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MissedQuestion(Base):
    """A question the bot could not answer (or answered unhelpfully), for the reports and new FAQ entries."""

    __tablename__ = "missed_questions"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(32))
    best_entry_id: Mapped[int | None] = mapped_column(ForeignKey("kb_entries.id", ondelete="SET NULL"), nullable=True)
    best_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class AgentPresence(Base):
    """An agent's availability for routing: status, live connections and capacity override."""

    __tablename__ = "agent_presence"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="offline")
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    connections: Mapped[int] = mapped_column(Integer, default=0)
    disconnected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LeaveMessage(Base):
    """A message left by a customer when nobody could serve them (留言): open, assigned, answered."""

    __tablename__ = "leave_messages"
    __table_args__ = (Index("ix_leave_messages_status_group", "status", "skill_group_id"),)
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"), nullable=True)
    channel: Mapped[str] = mapped_column(String(16))
    skill_group_id: Mapped[int | None] = mapped_column(ForeignKey("skill_groups.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    contact: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Transfer(Base):
    """A hand-over of a conversation from one agent to another agent or group, with a note."""

    __tablename__ = "transfers"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    to_group_id: Mapped[int | None] = mapped_column(ForeignKey("skill_groups.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TextOverride(Base):
    """The organisation's own wording of a catalogue text (``kefu.texts``) in one locale."""

    __tablename__ = "text_overrides"
    __table_args__ = (UniqueConstraint("code", "locale", name="uq_text_overrides_code_locale"),)
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FlowVersion(Base):
    """One uploaded version of a guided flow: its source as the administrator wrote it.

    Versions are never changed: editing makes a new draft; publishing makes it the one new runs start
    on, while running conversations finish on the version they started with.
    """

    __tablename__ = "flow_versions"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_flow_versions_key_version"),)
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    key: Mapped[str] = mapped_column(String(48), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # draft, published, retired
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class FlowRun(Base):
    """A flow running in a conversation: where it is, what it collected and learnt (JSON), until when."""

    __tablename__ = "flow_runs"
    __table_args__ = (
        Index("ix_flow_runs_conversation_status", "conversation_id", "status"),
        Index("ix_flow_runs_status_expires", "status", "expires_at"),
    )
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    flow_version_id: Mapped[int] = mapped_column(ForeignKey("flow_versions.id"))
    flow_key: Mapped[str] = mapped_column(String(48))
    status: Mapped[str] = mapped_column(String(16))  # active, resolved, cancelled, expired, handed_over, ticket
    step: Mapped[str] = mapped_column(String(48))
    state: Mapped[str] = mapped_column(Text)
    secret_input: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)


class SealedInput(Base):
    """What a customer typed when a flow asked for a secret (a verification code, a card number).

    The transcript stores a masked text; the clear value waits here for the flow's next turn, which
    deletes it once used.
    """

    __tablename__ = "sealed_inputs"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IntegrationAction(Base):
    """One action of the company's backend that flows call (``kefu.integrations``): where, with which
    shared secret, how long to wait and how often to try. ``updated_by`` records the admin who last
    changed it."""

    __tablename__ = "integration_actions"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(256))
    timeout_ms: Mapped[int] = mapped_column(Integer)
    max_attempts: Mapped[int] = mapped_column(Integer)
    allow_private: Mapped[bool] = mapped_column(Boolean)
    enabled: Mapped[bool] = mapped_column(Boolean)
    description: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


# ---- tickets (工单), SLAs, follow-ups (issue 11, kefu.tickets) -----------------------------------------


class TicketType(Base):
    """A kind of ticket (咨询, 投诉, 报修 …) with its own custom fields (JSON list of field specs)."""

    __tablename__ = "ticket_types"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    fields: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    sort: Mapped[int] = mapped_column(Integer, default=100, server_default="100")


class TicketCounter(Base):
    """The last number given on one local day: ``UPDATE … RETURNING`` makes numbering race-free."""

    __tablename__ = "ticket_counters"
    day: Mapped[str] = mapped_column(String(8), primary_key=True)  # YYYYMMDD in the organisation's zone
    last: Mapped[int] = mapped_column(Integer)


class Ticket(Base):
    """A ticket (工单): what a customer needs done, tracked until resolved, with its SLA clocks.

    ``phone`` and ``order_no`` copy the custom fields of those kinds so search is an index lookup;
    ``sla_due_at``/``sla_warn_at`` are the nearest running clock (``sla_clock``) the sweep looks at.
    """

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status_id", "status", "id"),
        Index("ix_tickets_assignee_status_id", "assignee_id", "status", "id"),
        Index("ix_tickets_group_status_id", "skill_group_id", "status", "id"),
        Index("ix_tickets_customer_id_id", "customer_id", "id"),
        Index("ix_tickets_type_id", "type_key", "id"),
    )
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    type_key: Mapped[str] = mapped_column(ForeignKey("ticket_types.key"))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    skill_group_id: Mapped[int | None] = mapped_column(ForeignKey("skill_groups.id"), nullable=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    fields: Mapped[str] = mapped_column(Text, default="{}")
    source: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    order_no: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    next_update_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sla_paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sla_clock: Mapped[str | None] = mapped_column(String(16), nullable=True)
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    sla_warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reopened_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sla_warned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    sla_breached: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class TicketEvent(Base):
    """One line of a ticket's append-only timeline: a reply, a note, a change (before/after in ``data``)."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket_id_id", "ticket_id", "id"),)
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ID, nullable=True)
    body: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TicketLink(Base):
    """A conversation linked to a ticket (its transcript is part of the ticket's story)."""

    __tablename__ = "ticket_links"
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SlaPolicy(Base):
    """Due times for tickets of a type and/or priority (NULL matches any); the most specific one wins."""

    __tablename__ = "sla_policies"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    type_key: Mapped[str | None] = mapped_column(String(32), nullable=True)
    priority: Mapped[str | None] = mapped_column(String(16), nullable=True)
    first_response_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    next_update_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    resolution_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    warn_before_minutes: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    reassign_on_breach: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Holiday(Base):
    """A public holiday (closed), or a make-up working day (``working``), for all groups or one."""

    __tablename__ = "holidays"
    __table_args__ = (Index("ix_holidays_day", "day"),)
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    day: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD, local to the group's business hours
    name: Mapped[str] = mapped_column(String(100), default="")
    skill_group_id: Mapped[int | None] = mapped_column(ForeignKey("skill_groups.id", ondelete="CASCADE"), nullable=True)
    working: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class FollowUp(Base):
    """A reminder (回访) on a ticket or a conversation that comes back to an agent or group when due."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_done_due", "done_at", "due_at"),)
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), nullable=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"), nullable=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    skill_group_id: Mapped[int | None] = mapped_column(ForeignKey("skill_groups.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    dismissed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


# ---- canned replies (话术库) and per-group greetings (issue 11, migration 0010) ----------------------


class CannedFolder(Base):
    """A folder of canned replies; its scope says who sees it: ``personal`` (its owner), ``team`` (the
    members of one skill group) or ``organisation`` (every console user)."""

    __tablename__ = "canned_folders"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # personal, team, organisation
    name: Mapped[str] = mapped_column(String(100))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True)
    skill_group_id: Mapped[int | None] = mapped_column(ForeignKey("skill_groups.id", ondelete="CASCADE"), nullable=True)
    sort: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CannedReply(Base):
    """One canned reply: a title, an optional ``/shortcut``, its text with ``{variables}``, and the pinyin
    initials of its title (``催发货`` → ``cfh``) computed on save so ``/cfh`` finds it with one query."""

    __tablename__ = "canned_replies"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    folder_id: Mapped[int] = mapped_column(ForeignKey("canned_folders.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    shortcut: Mapped[str] = mapped_column(String(32), default="", server_default="")
    text: Mapped[str] = mapped_column(Text)
    initials: Mapped[str] = mapped_column(String(200), default="", server_default="")
    sort: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GreetingOverride(Base):
    """A skill group's own wording of an automatic greeting (welcome, off-hours, agent joined, closing),
    for one channel or (``channel`` empty) every channel; it wins over the organisation's override."""

    __tablename__ = "greeting_overrides"
    __table_args__ = (
        UniqueConstraint("skill_group_id", "channel", "code", "locale", name="uq_greeting_overrides_key"),
    )
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    skill_group_id: Mapped[int] = mapped_column(ForeignKey("skill_groups.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16), default="", server_default="")
    code: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


# ---- notifications to customers (kefu.notify) ------------------------------------------------------


class Notification(Base):
    """One e-mail or SMS to a customer: the outbox row written in the transaction of the change that
    causes it, sent after commit by the notify worker (``pending`` → ``sending`` → ``sent`` | ``failed``).

    The text is rendered when the row is written (what the admin view shows is what was sent);
    ``params`` keeps the values an SMS provider's own template needs. ``attempts``, ``next_attempt_at``
    and ``last_error`` drive retries with backoff; ``lease_until`` lets a crashed sender's claim lapse.
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_status_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(8))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    params: Mapped[str] = mapped_column(Text, default="{}")
    ref: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


# ---- internal notes and mentions (issue 11) ---------------------------------------------------------


class ConversationNote(Base):
    """An agent's internal note in a conversation. A table of its own rather than a flagged message:
    nothing that serves customers (history, catch-up, channel senders, exports of transcripts) reads
    this table, so a note cannot reach a customer by a forgotten filter. ``after_seq`` is the
    conversation's last message number when the note was written: where the note sits in the thread."""

    __tablename__ = "conversation_notes"
    __table_args__ = (Index("ix_conversation_notes_conversation_id_id", "conversation_id", "id"),)
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    after_seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    author: Mapped[User] = relationship(lazy="joined")


class NoteMention(Base):
    """A colleague @mentioned in a note; ``read_at`` is set once they opened the conversation."""

    __tablename__ = "note_mentions"
    __table_args__ = (
        UniqueConstraint("note_id", "user_id", name="uq_note_mentions_note_user"),
        Index("ix_note_mentions_user_id_read_at", "user_id", "read_at"),
    )
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("conversation_notes.id"))
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    note: Mapped[ConversationNote] = relationship(lazy="joined")
