"""texts: a conversation's locale, and the organisation's own wording of catalogue texts

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=16), server_default="zh-CN", nullable=False))

    op.create_table(
        "text_overrides",
        sa.Column("id", ID, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by_id", ID, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_text_overrides_updated_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_overrides")),
        sa.UniqueConstraint("code", "locale", name="uq_text_overrides_code_locale"),
    )


def downgrade() -> None:
    op.drop_table("text_overrides")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("locale")
