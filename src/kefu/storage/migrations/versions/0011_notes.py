"""notes: agents' internal notes in conversations and the colleagues they @mention

Revision ID: 0011
Revises: 0008 (the lead re-chains it after 0010 at merge time)
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0012"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "conversation_notes",
        sa.Column("id", ID, nullable=False),
        sa.Column("conversation_id", ID, nullable=False),
        sa.Column("author_id", ID, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("after_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_conversation_notes_author_id_users")),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name=op.f("fk_conversation_notes_conversation_id_conversations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_notes")),
    )
    op.create_index(
        "ix_conversation_notes_conversation_id_id", "conversation_notes", ["conversation_id", "id"], unique=False
    )
    op.create_table(
        "note_mentions",
        sa.Column("id", ID, nullable=False),
        sa.Column("note_id", ID, nullable=False),
        sa.Column("conversation_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name=op.f("fk_note_mentions_conversation_id_conversations")
        ),
        sa.ForeignKeyConstraint(
            ["note_id"], ["conversation_notes.id"], name=op.f("fk_note_mentions_note_id_conversation_notes")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_note_mentions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_mentions")),
        sa.UniqueConstraint("note_id", "user_id", name="uq_note_mentions_note_user"),
    )
    op.create_index("ix_note_mentions_user_id_read_at", "note_mentions", ["user_id", "read_at"], unique=False)


def downgrade() -> None:
    op.drop_table("note_mentions")
    op.drop_table("conversation_notes")
