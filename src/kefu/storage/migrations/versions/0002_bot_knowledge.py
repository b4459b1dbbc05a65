"""bot knowledge, feedback and missed questions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bot_terms",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("canonical", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_terms")),
        sa.UniqueConstraint("kind", "term", name="uq_bot_terms_kind_term"),
    )
    op.create_table(
        "bot_feedback",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("conversation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_bot_feedback_conversation_id_conversations"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["kb_entries.id"],
            name=op.f("fk_bot_feedback_entry_id_kb_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_bot_feedback_message_id_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_feedback")),
        sa.UniqueConstraint("message_id", name=op.f("uq_bot_feedback_message_id")),
    )
    with op.batch_alter_table("bot_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bot_feedback_conversation_id"), ["conversation_id"], unique=False)

    op.create_table(
        "missed_questions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("conversation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("best_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("best_confidence", sa.Float(), nullable=True),
        sa.Column("resolved", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["best_entry_id"],
            ["kb_entries.id"],
            name=op.f("fk_missed_questions_best_entry_id_kb_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_missed_questions_conversation_id_conversations"),
        ),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_missed_questions_message_id_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missed_questions")),
    )
    with op.batch_alter_table("missed_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_missed_questions_conversation_id"), ["conversation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_missed_questions_created_at"), ["created_at"], unique=False)

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handover_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("bot_failures", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("kb_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("keywords", sa.Text(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("quick_replies", sa.Text(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("handover", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("valid_from", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meta", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("meta")

    with op.batch_alter_table("kb_entries", schema=None) as batch_op:
        batch_op.drop_column("valid_until")
        batch_op.drop_column("valid_from")
        batch_op.drop_column("handover")
        batch_op.drop_column("quick_replies")
        batch_op.drop_column("keywords")

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("bot_failures")
        batch_op.drop_column("handover_reason")

    with op.batch_alter_table("missed_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_missed_questions_created_at"))
        batch_op.drop_index(batch_op.f("ix_missed_questions_conversation_id"))

    op.drop_table("missed_questions")
    with op.batch_alter_table("bot_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bot_feedback_conversation_id"))

    op.drop_table("bot_feedback")
    op.drop_table("bot_terms")
