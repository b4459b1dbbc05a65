"""tickets (工单): types, tickets, their timeline and links, SLA policies, holidays, follow-ups

Also seeds the five ticket types and turns every existing 留言 (leave_messages) into a ticket of type
其他 with source "leave" (the leave_messages rows stay: the 留言 API keeps working on them).

Revision ID: 0009
Revises: 0010
Create Date: 2026-12-02
"""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0010"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sla_policies",
        sa.Column("id", ID, nullable=False),
        sa.Column("type_key", sa.String(length=32), nullable=True),
        sa.Column("priority", sa.String(length=16), nullable=True),
        sa.Column("first_response_minutes", sa.Integer(), nullable=True),
        sa.Column("next_update_minutes", sa.Integer(), nullable=True),
        sa.Column("resolution_minutes", sa.Integer(), nullable=True),
        sa.Column("warn_before_minutes", sa.Integer(), server_default="30", nullable=False),
        sa.Column("reassign_on_breach", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policies")),
    )
    op.create_table(
        "ticket_counters",
        sa.Column("day", sa.String(length=8), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_ticket_counters")),
    )
    op.create_table(
        "ticket_types",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("fields", sa.Text(), server_default="[]", nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("sort", sa.Integer(), server_default="100", nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_ticket_types")),
    )
    op.create_table(
        "holidays",
        sa.Column("id", ID, nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("skill_group_id", ID, nullable=True),
        sa.Column("working", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_group_id"],
            ["skill_groups.id"],
            name=op.f("fk_holidays_skill_group_id_skill_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holidays")),
    )
    op.create_index("ix_holidays_day", "holidays", ["day"], unique=False)
    op.create_table(
        "tickets",
        sa.Column("id", ID, nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("type_key", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("skill_group_id", ID, nullable=True),
        sa.Column("assignee_id", ID, nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("order_no", sa.String(length=64), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_response_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_update_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sla_paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sla_clock", sa.String(length=16), nullable=True),
        sa.Column("sla_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sla_warn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("sla_warned", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("sla_breached", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_tickets_assignee_id_users")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_tickets_created_by_id_users")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_tickets_customer_id_customers")),
        sa.ForeignKeyConstraint(
            ["skill_group_id"], ["skill_groups.id"], name=op.f("fk_tickets_skill_group_id_skill_groups")
        ),
        sa.ForeignKeyConstraint(["type_key"], ["ticket_types.key"], name=op.f("fk_tickets_type_key_ticket_types")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("number", name=op.f("uq_tickets_number")),
    )
    op.create_index("ix_tickets_assignee_status_id", "tickets", ["assignee_id", "status", "id"], unique=False)
    op.create_index("ix_tickets_customer_id_id", "tickets", ["customer_id", "id"], unique=False)
    op.create_index("ix_tickets_group_status_id", "tickets", ["skill_group_id", "status", "id"], unique=False)
    op.create_index(op.f("ix_tickets_order_no"), "tickets", ["order_no"], unique=False)
    op.create_index(op.f("ix_tickets_phone"), "tickets", ["phone"], unique=False)
    op.create_index(op.f("ix_tickets_sla_due_at"), "tickets", ["sla_due_at"], unique=False)
    op.create_index(op.f("ix_tickets_sla_warn_at"), "tickets", ["sla_warn_at"], unique=False)
    op.create_index("ix_tickets_status_id", "tickets", ["status", "id"], unique=False)
    op.create_index("ix_tickets_type_id", "tickets", ["type_key", "id"], unique=False)
    op.create_table(
        "follow_ups",
        sa.Column("id", ID, nullable=False),
        sa.Column("ticket_id", ID, nullable=True),
        sa.Column("conversation_id", ID, nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assignee_id", ID, nullable=True),
        sa.Column("skill_group_id", ID, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dismissed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_follow_ups_assignee_id_users")),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name=op.f("fk_follow_ups_conversation_id_conversations")
        ),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_follow_ups_created_by_users")),
        sa.ForeignKeyConstraint(
            ["skill_group_id"], ["skill_groups.id"], name=op.f("fk_follow_ups_skill_group_id_skill_groups")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_follow_ups_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
    )
    op.create_index("ix_follow_ups_done_due", "follow_ups", ["done_at", "due_at"], unique=False)
    op.create_table(
        "ticket_events",
        sa.Column("id", ID, nullable=False),
        sa.Column("ticket_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", ID, nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_events_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
    )
    op.create_index("ix_ticket_events_ticket_id_id", "ticket_events", ["ticket_id", "id"], unique=False)
    op.create_table(
        "ticket_links",
        sa.Column("ticket_id", ID, nullable=False),
        sa.Column("conversation_id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name=op.f("fk_ticket_links_conversation_id_conversations")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_links_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("ticket_id", "conversation_id", name=op.f("pk_ticket_links")),
    )
    op.create_index(op.f("ix_ticket_links_conversation_id"), "ticket_links", ["conversation_id"], unique=False)
    _seed_types()
    _leave_messages_to_tickets()


TYPES = [
    ("consult", "咨询", [], 10),
    ("complaint", "投诉", [{"key": "order_no", "label": "订单号", "type": "order_no"}], 20),
    (
        "repair",
        "报修",
        [
            {"key": "model", "label": "设备型号", "type": "text"},
            {"key": "serial", "label": "序列号", "type": "text"},
            {"key": "purchase_date", "label": "购买日期", "type": "date"},
        ],
        30,
    ),
    (
        "refund",
        "退款",
        [
            {"key": "order_no", "label": "订单号", "type": "order_no", "required": True},
            {"key": "amount", "label": "金额", "type": "text"},
        ],
        40,
    ),
    ("other", "其他", [], 90),
]


def _seed_types() -> None:
    table = sa.table(
        "ticket_types",
        sa.column("key", sa.String),
        sa.column("name", sa.String),
        sa.column("fields", sa.Text),
        sa.column("enabled", sa.Boolean),
        sa.column("sort", sa.Integer),
    )
    op.bulk_insert(
        table,
        [
            {"key": k, "name": n, "fields": json.dumps(f, ensure_ascii=False), "enabled": True, "sort": s}
            for k, n, f, s in TYPES
        ],
    )


def _leave_messages_to_tickets() -> None:
    """Each existing 留言 becomes a ticket (numbered by its own local day), its answer a reply event."""
    bind = op.get_bind()
    zone_name = bind.execute(sa.text("SELECT timezone FROM organisation ORDER BY id LIMIT 1")).scalar()
    zone = ZoneInfo(zone_name or "Asia/Shanghai")
    rows = bind.execute(
        sa.text(
            "SELECT id, customer_id, conversation_id, skill_group_id, name, contact, text, status, assignee_id,"
            " answer, answered_by_id, answered_at, created_at FROM leave_messages ORDER BY id"
        )
    ).all()
    counters: dict[str, int] = {}
    for row in rows:
        created = _aware(row.created_at)
        day = created.astimezone(zone).strftime("%Y%m%d")
        counters[day] = counters.get(day, 0) + 1
        number = f"T{day}-{counters[day]:04d}"
        answered = row.status == "answered"
        fields = {"contact": row.contact, "name": row.name, "leave_message_id": row.id}
        phone = row.contact if row.contact.isdigit() and len(row.contact) <= 32 else None
        ticket_id = bind.execute(
            sa.text(
                "INSERT INTO tickets (number, type_key, title, status, priority, customer_id, skill_group_id,"
                " assignee_id, fields, source, phone, created_at, updated_at, reopened_count, sla_warned,"
                " sla_breached, resolved_at, first_responded_at) VALUES (:number, 'other', :title, :status,"
                " 'normal', :customer, :group, :assignee, :fields, 'leave', :phone, :created, :updated, 0,"
                " :f, :f, :resolved, :resolved) RETURNING id"
            ),
            {
                "number": number,
                "title": row.text[:60],
                "status": "resolved" if answered else ("open" if row.assignee_id else "new"),
                "customer": row.customer_id,
                "group": row.skill_group_id,
                "assignee": row.assignee_id,
                "fields": json.dumps(fields, ensure_ascii=False),
                "phone": phone,
                "created": _store(bind, created),
                "updated": _store(bind, _aware(row.answered_at) if row.answered_at else created),
                "resolved": _store(bind, _aware(row.answered_at)) if answered and row.answered_at else None,
                "f": False,
            },
        ).scalar_one()
        _event(bind, ticket_id, "created", "customer", row.customer_id, row.text, {"source": "leave"}, created)
        if row.conversation_id is not None:
            bind.execute(
                sa.text("INSERT INTO ticket_links (ticket_id, conversation_id, created_at) VALUES (:t, :c, :at)"),
                {"t": ticket_id, "c": row.conversation_id, "at": _store(bind, created)},
            )
        if answered and row.answer:
            at = _aware(row.answered_at) if row.answered_at else created
            _event(bind, ticket_id, "reply", "agent", row.answered_by_id, row.answer, {}, at)
            _event(
                bind, ticket_id, "status", "agent", row.answered_by_id, "", {"before": "new", "after": "resolved"}, at
            )
    for day, last in counters.items():
        bind.execute(sa.text("INSERT INTO ticket_counters (day, last) VALUES (:d, :n)"), {"d": day, "n": last})


def _event(
    bind: sa.engine.Connection,
    ticket_id: int,
    kind: str,
    actor_kind: str,
    actor_id: int | None,
    body: str,
    data: dict[str, object],
    at: datetime,
) -> None:
    bind.execute(
        sa.text(
            "INSERT INTO ticket_events (ticket_id, kind, actor_kind, actor_id, body, data, created_at)"
            " VALUES (:t, :k, :ak, :aid, :b, :d, :at)"
        ),
        {
            "t": ticket_id,
            "k": kind,
            "ak": actor_kind,
            "aid": actor_id,
            "b": body,
            "d": json.dumps(data, ensure_ascii=False),
            "at": _store(bind, at),
        },
    )


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _store(bind: sa.engine.Connection, value: datetime) -> datetime:
    """As ``UTCDateTime`` stores it: UTC, naive on SQLite."""
    value = value.astimezone(UTC)
    return value.replace(tzinfo=None) if bind.dialect.name == "sqlite" else value


def downgrade() -> None:
    for table in (
        "follow_ups",
        "holidays",
        "sla_policies",
        "ticket_links",
        "ticket_events",
        "tickets",
        "ticket_counters",
        "ticket_types",
    ):
        op.drop_table(table)
