"""bot settings: the organisation's overrides of the bot's thresholds and hand-over triggers

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "bot_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_threshold", sa.Float(), nullable=True),
        sa.Column("clarify_threshold", sa.Float(), nullable=True),
        sa.Column("max_failures", sa.Integer(), nullable=True),
        sa.Column("handover_on_request", sa.Boolean(), nullable=True),
        sa.Column("handover_on_negative", sa.Boolean(), nullable=True),
        sa.Column("handover_on_vip", sa.Boolean(), nullable=True),
        sa.Column("handover_on_sensitive", sa.Boolean(), nullable=True),
        sa.Column("updated_by", ID, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_bot_settings_updated_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_settings")),
    )


def downgrade() -> None:
    op.drop_table("bot_settings")
