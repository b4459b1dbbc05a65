"""lifecycle: milestones written once (first response, close reason and closer), current hands apart

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("closed_by_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True)
        )
        batch_op.add_column(sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("assignee_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key("fk_conversations_closed_by_user_id_users", "users", ["closed_by_user_id"], ["id"])
    # Until now queued_at / assigned_at held the current hands; they become the first ones from here on.
    op.execute("UPDATE conversations SET waiting_since = queued_at, assignee_since = assigned_at")
    op.execute(
        "UPDATE conversations SET first_response_at = ("
        " SELECT MIN(m.created_at) FROM messages m"
        " WHERE m.conversation_id = conversations.id AND m.sender_kind = 'agent')"
    )


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_constraint("fk_conversations_closed_by_user_id_users", type_="foreignkey")
        batch_op.drop_column("assignee_since")
        batch_op.drop_column("waiting_since")
        batch_op.drop_column("closed_by_user_id")
        batch_op.drop_column("closed_reason")
        batch_op.drop_column("first_response_at")
