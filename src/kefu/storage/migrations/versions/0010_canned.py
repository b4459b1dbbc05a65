"""canned replies (话术库): folders by scope and replies; per-group greetings

Revision ID: 0010
Revises: 0011 (on main: 0008 → 0012 → 0011; re-chained when the tickets migration 0009 lands)
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0011"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "canned_folders",
        sa.Column("id", ID, nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("owner_id", ID, nullable=True),
        sa.Column("skill_group_id", ID, nullable=True),
        sa.Column("sort", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_canned_folders_owner_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["skill_group_id"],
            ["skill_groups.id"],
            name=op.f("fk_canned_folders_skill_group_id_skill_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_folders")),
    )
    op.create_table(
        "canned_replies",
        sa.Column("id", ID, nullable=False),
        sa.Column("folder_id", ID, nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("shortcut", sa.String(length=32), server_default="", nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("initials", sa.String(length=200), server_default="", nullable=False),
        sa.Column("sort", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("updated_by_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["folder_id"],
            ["canned_folders.id"],
            name=op.f("fk_canned_replies_folder_id_canned_folders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_canned_replies_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_canned_replies_updated_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_replies")),
    )
    op.create_index(op.f("ix_canned_replies_folder_id"), "canned_replies", ["folder_id"], unique=False)
    op.create_table(
        "greeting_overrides",
        sa.Column("id", ID, nullable=False),
        sa.Column("skill_group_id", ID, nullable=False),
        sa.Column("channel", sa.String(length=16), server_default="", nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by_id", ID, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_group_id"],
            ["skill_groups.id"],
            name=op.f("fk_greeting_overrides_skill_group_id_skill_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_greeting_overrides_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_greeting_overrides")),
        sa.UniqueConstraint("skill_group_id", "channel", "code", "locale", name="uq_greeting_overrides_key"),
    )


def downgrade() -> None:
    op.drop_table("greeting_overrides")
    op.drop_index(op.f("ix_canned_replies_folder_id"), table_name="canned_replies")
    op.drop_table("canned_replies")
    op.drop_table("canned_folders")
