"""notifications: the outbox of e-mails and SMS to customers; customers' contact addresses and opt-out

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0008"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Plain ADD COLUMNs (both engines take them): a batch rebuild of ``customers`` on SQLite fails its
    # foreign-key check once other tables point at customers (an install with data could not upgrade).
    op.add_column("customers", sa.Column("email", sa.String(length=254), nullable=True))
    op.add_column("customers", sa.Column("email_verified", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("customers", sa.Column("phone", sa.String(length=32), nullable=True))
    op.add_column("customers", sa.Column("phone_verified", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("customers", sa.Column("notify_opt_out", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "notifications",
        sa.Column("id", ID, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("customer_id", ID, nullable=True),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_notifications_customer_id_customers"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index("ix_notifications_status_due", "notifications", ["status", "next_attempt_at"])
    op.create_index(op.f("ix_notifications_customer_id"), "notifications", ["customer_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_notifications_customer_id"), table_name="notifications")
    op.drop_index("ix_notifications_status_due", table_name="notifications")
    op.drop_table("notifications")
    with op.batch_alter_table("customers") as batch:
        for column in ("notify_opt_out", "phone_verified", "phone", "email_verified", "email"):
            batch.drop_column(column)
