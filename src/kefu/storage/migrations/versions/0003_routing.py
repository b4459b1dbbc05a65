"""routing: group settings, conversation priority and deadlines, presence, leave-a-message, transfers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("skill_groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("strategy", sa.String(length=16), server_default="least_busy", nullable=False))
        batch_op.add_column(sa.Column("default_capacity", sa.Integer(), server_default="5", nullable=False))
        batch_op.add_column(sa.Column("is_money", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("hours", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("off_hours_text", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("sla_seconds", sa.Integer(), server_default="300", nullable=False))
        batch_op.add_column(sa.Column("queue_timeout_seconds", sa.Integer(), server_default="600", nullable=False))
        batch_op.add_column(sa.Column("idle_close_seconds", sa.Integer(), server_default="1800", nullable=False))
        batch_op.add_column(sa.Column("last_agent_days", sa.Integer(), server_default="7", nullable=False))

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("queue_deadline_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sla_due_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "agent_presence",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("connections", sa.Integer(), nullable=False),
        sa.Column("disconnected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_agent_presence_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_agent_presence")),
    )
    op.create_table(
        "leave_messages",
        sa.Column("id", ID, nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("conversation_id", ID, nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("skill_group_id", ID, nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assignee_id", ID, nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_id", ID, nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["answered_by_id"], ["users.id"], name=op.f("fk_leave_messages_answered_by_id_users")),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_leave_messages_assignee_id_users")),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name=op.f("fk_leave_messages_conversation_id_conversations")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_leave_messages_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["skill_group_id"], ["skill_groups.id"], name=op.f("fk_leave_messages_skill_group_id_skill_groups")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leave_messages")),
    )
    with op.batch_alter_table("leave_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leave_messages_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index("ix_leave_messages_status_group", ["status", "skill_group_id"], unique=False)

    op.create_table(
        "transfers",
        sa.Column("id", ID, nullable=False),
        sa.Column("conversation_id", ID, nullable=False),
        sa.Column("from_user_id", ID, nullable=True),
        sa.Column("to_user_id", ID, nullable=True),
        sa.Column("to_group_id", ID, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name=op.f("fk_transfers_conversation_id_conversations")
        ),
        sa.ForeignKeyConstraint(["from_user_id"], ["users.id"], name=op.f("fk_transfers_from_user_id_users")),
        sa.ForeignKeyConstraint(
            ["to_group_id"], ["skill_groups.id"], name=op.f("fk_transfers_to_group_id_skill_groups")
        ),
        sa.ForeignKeyConstraint(["to_user_id"], ["users.id"], name=op.f("fk_transfers_to_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
    )
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transfers_conversation_id"), ["conversation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transfers_conversation_id"))
    op.drop_table("transfers")
    with op.batch_alter_table("leave_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_leave_messages_status_group")
        batch_op.drop_index(batch_op.f("ix_leave_messages_customer_id"))
    op.drop_table("leave_messages")
    op.drop_table("agent_presence")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("sla_due_at")
        batch_op.drop_column("queue_deadline_at")
        batch_op.drop_column("priority")
    with op.batch_alter_table("skill_groups", schema=None) as batch_op:
        for column in (
            "last_agent_days",
            "idle_close_seconds",
            "queue_timeout_seconds",
            "sla_seconds",
            "off_hours_text",
            "hours",
            "is_money",
            "default_capacity",
            "strategy",
        ):
            batch_op.drop_column(column)
